import { Clock, Effect, Either } from "effect";
import type { ConversationId, CustomerId, TagApplicationId, TagId } from "../domain/ids.js";
import type { IntegrationActor, MemberActor } from "../domain/model.js";
import type { TagMethod } from "../domain/vocabulary.js";
import type { Author, TagApplyResult } from "../ports.js";
import { ChangeFeed, IdSource, Tags } from "../ports.js";
import { decideApplication, decideRemoval } from "../rules/repeat-tagging.js";
import { decideReportWindow } from "../rules/report-window.js";
import type { NormalisedTagName } from "../rules/tag-name.js";
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

const apply = (
  teamId: MemberActor["teamId"],
  params: ApplyParams,
  method: TagMethod,
  author: Author,
) =>
  Effect.gen(function* () {
    const at = new Date(yield* Clock.currentTimeMillis);
    const ids = yield* IdSource;
    const tags = yield* Tags;
    const result: TagApplyResult = yield* tags.apply({
      teamId,
      customerId: params.customerId,
      tag: params.name,
      conversationId: params.conversationId ?? null,
      method,
      author,
      at,
      idempotencyKey: params.idempotencyKey ?? null,
      fingerprint: fingerprintOf(params, method, author),
      newApplicationId: (yield* ids.uuid) as TagApplicationId,
      newTagId: (yield* ids.uuid) as TagId,
      decide: (state) => decideApplication(state, { method, confirmed: params.confirm }),
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

/** `tags.remove` (T5): takes the tag off the customer; its count restarts; history stays. */
export const removeTag = (
  actor: MemberActor,
  input: { readonly customerId: CustomerId; readonly tagId: TagId },
) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "tags.remove");
    const tags = yield* Tags;
    const { decision, tag } = yield* tags.remove(
      actor.teamId,
      input.customerId,
      input.tagId,
      decideRemoval,
    );
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
