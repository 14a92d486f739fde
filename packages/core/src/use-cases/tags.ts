import { Clock, Effect, Either } from "effect";
import type { Author } from "../domain/author.js";
import type { ConversationId, CustomerId, TagApplicationId, TagId, TeamId } from "../domain/ids.js";
import type { IntegrationActor, MemberActor } from "../domain/model.js";
import type {
  LockedTagApplication,
  NormalisedTagName,
  TagApplyRequest,
  TagApplyResult,
} from "../domain/tag-application.js";
import type { TagMethod } from "../domain/vocabulary.js";
import { ChangeFeed } from "../ports/change-feed.js";
import { IdSource } from "../ports/id-source.js";
import { Tags } from "../ports/tags.js";
import { Transactions } from "../ports/transactions.js";
import { decideReplay } from "../rules/idempotency.js";
import {
  type ApplicationDecision,
  decideApplication,
  decideRemoval,
} from "../rules/repeat-tagging.js";
import { decideReportWindow } from "../rules/report-window.js";
import { rankSuggestions, suggestionQueryKey } from "../rules/tag-suggestions.js";
import { requireAction, teamOf } from "./authorize.js";

/** `tags.suggest` (T2): the team's matching tags, prefix matches first, most used first, ≤ 10. */
export const suggestTags = (
  actor: MemberActor,
  input: { readonly query: string; readonly limit: number },
) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "tags.suggest");
    const tags = yield* Tags;
    const candidates = yield* tags.suggest(
      actor.teamId,
      suggestionQueryKey(input.query),
      input.limit,
    );
    return rankSuggestions(input.query, candidates, input.limit).map(({ tagId, name, uses }) => ({
      tagId,
      name,
      uses,
    }));
  });

interface ApplyParams {
  readonly customerId: CustomerId;
  readonly name: NormalisedTagName;
  readonly conversationId?: ConversationId | undefined;
  readonly confirm: boolean;
  readonly idempotencyKey?: string | undefined;
}

// The request an idempotency key stands for: same key, other request → refused.
const fingerprintOf = (p: ApplyParams, method: TagMethod, author: Author): string =>
  JSON.stringify([
    p.customerId,
    p.name.key,
    p.conversationId ?? null,
    p.confirm,
    method,
    author.memberId,
  ]);

// Turning T3/T4's decision on the locked state into the answer: written once, here.
const answerOf = (
  request: TagApplyRequest,
  locked: LockedTagApplication,
  decision: ApplicationDecision,
): TagApplyResult =>
  decision.kind === "confirmation_required"
    ? { kind: "confirmation_required", tag: locked.tag, count: decision.count }
    : {
        kind: "applied",
        tag: locked.tag,
        count: decision.count,
        repeat: decision.repeat,
        applicationId: request.newApplicationId,
        channel: locked.channel,
        appliedAt: request.at,
        replayed: false,
      };

/**
 * The transaction of a tag application, top to bottom (T3, T4, T7, T8): replay an idempotent
 * retry (T8) → lock the customer's state of the tag → decide (T3/T4) → record what was
 * decided. Everything commits together or not at all.
 */
export const applyTagRequest = (request: TagApplyRequest) =>
  Effect.gen(function* () {
    const tags = yield* Tags;
    const transactions = yield* Transactions;
    return yield* transactions.withTransaction(
      Effect.gen(function* () {
        if (request.idempotencyKey !== null) {
          const remembered = yield* tags.rememberedApplication(
            request.teamId,
            request.idempotencyKey,
          );
          const replay = yield* decideReplay(remembered, request.fingerprint);
          if (replay.kind === "replay") return { ...replay.answer, replayed: true };
        }
        const locked = yield* tags.lockApplication(request);
        const decision = decideApplication(locked, request);
        const answer = answerOf(request, locked, decision);
        if (answer.kind === "applied") yield* tags.recordApplication(request, answer);
        return answer;
      }),
    );
  });

const apply = (
  teamId: MemberActor["teamId"],
  params: ApplyParams,
  method: TagMethod,
  author: Author,
) =>
  Effect.gen(function* () {
    const at = new Date(yield* Clock.currentTimeMillis);
    const ids = yield* IdSource;
    const result = yield* applyTagRequest({
      teamId,
      customerId: params.customerId,
      tag: params.name,
      conversationId: params.conversationId ?? null,
      method,
      author,
      at,
      confirmed: params.confirm,
      idempotencyKey: params.idempotencyKey ?? null,
      fingerprint: fingerprintOf(params, method, author),
      newApplicationId: (yield* ids.uuid) as TagApplicationId,
      newTagId: (yield* ids.uuid) as TagId,
    });
    if (result.kind === "applied" && !result.replayed) {
      const feed = yield* ChangeFeed;
      yield* feed.publish({
        teamId,
        conversationId: params.conversationId ?? null,
        customerId: params.customerId,
        kind: "tags",
        at,
      });
    }
    // One shape for a tag on a customer (issue 16): `tagId`, `name`, `count`, as in `panel.get`.
    const { tag, ...answer } = result;
    return { ...answer, tagId: tag.id, name: tag.name };
  });

/**
 * `tags.apply` by a member (T3, T4, T7, T8): applies the typed tag, creating it when
 * new; a tag the customer already has answers `confirmation_required` unless confirmed.
 */
export const applyTag = (actor: MemberActor, input: ApplyParams) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "tags.apply");
    return yield* apply(actor.teamId, input, "manual", {
      memberId: actor.memberId,
      memberName: actor.name,
    });
  });

/** `ingest.tag` (T7): a bot, broadcast, rule, API or import applies a tag; repeats count directly. */
export const ingestTag = (
  actor: IntegrationActor,
  input: Omit<ApplyParams, "confirm"> & { readonly method: Exclude<TagMethod, "manual"> },
) =>
  apply(actor.teamId, { ...input, confirm: false }, input.method, {
    memberId: null,
    memberName: null,
  });

/**
 * The transaction of a tag removal (T5): lock the customer's state of the tag → decide →
 * restart the count when it was on the customer.
 */
export const removeTagFrom = (teamId: TeamId, customerId: CustomerId, tagId: TagId) =>
  Effect.gen(function* () {
    const tags = yield* Tags;
    const transactions = yield* Transactions;
    return yield* transactions.withTransaction(
      Effect.gen(function* () {
        const locked = yield* tags.lockRemoval(teamId, customerId, tagId);
        const decision = decideRemoval(locked);
        if (decision.kind === "removed") yield* tags.recordRemoval(teamId, customerId, tagId);
        return { decision, tag: locked.tag };
      }),
    );
  });

/** `tags.remove` (T5): takes the tag off the customer; its count restarts; history stays. */
export const removeTag = (
  actor: MemberActor,
  input: { readonly customerId: CustomerId; readonly tagId: TagId },
) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "tags.remove");
    const { decision, tag } = yield* removeTagFrom(actor.teamId, input.customerId, input.tagId);
    if (decision.kind === "removed") {
      const feed = yield* ChangeFeed;
      const at = new Date(yield* Clock.currentTimeMillis);
      yield* feed.publish({
        teamId: actor.teamId,
        conversationId: null,
        customerId: input.customerId,
        kind: "tags",
        at,
      });
    }
    return {
      tagId: tag.id,
      name: tag.name,
      removed: decision.kind === "removed",
      previousCount: decision.kind === "removed" ? decision.previousCount : 0,
    };
  });

/**
 * `tags.frequency` (T6): applications of each tag to the customer, optionally only
 * inside a range of team calendar days (both ends included; no 30-day limit here).
 */
export const tagFrequency = (
  actor: MemberActor,
  input: {
    readonly customerId: CustomerId;
    readonly from?: string | undefined;
    readonly to?: string | undefined;
  },
) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "tags.frequency");
    let range = null;
    if (input.from !== undefined && input.to !== undefined) {
      const team = yield* teamOf(actor);
      const window = decideReportWindow(
        { from: input.from, to: input.to, timeZone: team.timeZone },
        Number.POSITIVE_INFINITY,
      );
      if (Either.isLeft(window)) return yield* Effect.fail(window.left);
      range = window.right;
    }
    const tags = yield* Tags;
    const rows = yield* tags.frequency(actor.teamId, input.customerId, range);
    return { range: range && { from: range.from, to: range.to }, tags: rows };
  });
