import { Clock, Effect, Either } from "effect";
import type { Author } from "../domain/author.js";
import { type ConversationUpdate, withUpdate } from "../domain/conversation-update.js";
import { type DomainError, NotFound } from "../domain/errors.js";
import type { ConversationId, MemberId, TeamId } from "../domain/ids.js";
import type { Conversation, MemberActor } from "../domain/model.js";
import { ChangeFeed } from "../ports/change-feed.js";
import { Conversations } from "../ports/conversations.js";
import { Directory } from "../ports/directory.js";
import { Transactions } from "../ports/transactions.js";
import { decideStateCommand, type StateCommand } from "../rules/conversation-state.js";
import { decideStatusChange } from "../rules/ingress.js";
import { requireAction } from "./authorize.js";

const authorOf = (actor: MemberActor) => ({ memberId: actor.memberId, memberName: actor.name });

/**
 * The transaction of a conversation command (L5, E2): lock the conversation → `decide` on it →
 * record the update and its log entries. A refusal writes nothing.
 */
export const updateConversation = <E extends DomainError>(
  teamId: TeamId,
  conversationId: ConversationId,
  decide: (conversation: Conversation) => Either.Either<ConversationUpdate, E>,
  log: { readonly author: Author; readonly at: Date },
) =>
  Effect.gen(function* () {
    const conversations = yield* Conversations;
    const transactions = yield* Transactions;
    return yield* transactions.withTransaction(
      Effect.gen(function* () {
        const locked = yield* conversations.lockConversation(teamId, conversationId);
        const update = yield* decide(locked);
        yield* conversations.recordUpdate(teamId, conversationId, update, log);
        return withUpdate(locked, update);
      }),
    );
  });

/** `conversations.setStatus` (L5): `active: false` blocks the customer; both directions are logged. */
export const setConversationStatus = (
  actor: MemberActor,
  input: { readonly conversationId: ConversationId; readonly active: boolean },
) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "conversations.setStatus");
    const at = new Date(yield* Clock.currentTimeMillis);
    const updated = yield* updateConversation(
      actor.teamId,
      input.conversationId,
      (c) => {
        const decision = decideStatusChange(c, input.active);
        return Either.right({
          active: decision.active,
          events: decision.event ? [decision.event] : [],
        });
      },
      { author: authorOf(actor), at },
    );
    const feed = yield* ChangeFeed;
    yield* feed.publish({
      teamId: actor.teamId,
      conversationId: updated.id,
      customerId: updated.customerId,
      kind: "status",
      at,
    });
    return { conversationId: updated.id, active: updated.active };
  });

/** The member-facing E2 commands. */
export type ChangeStateCommand =
  | { readonly command: "follow_up" | "reopen" | "close" }
  | { readonly command: "assign"; readonly assigneeId: MemberId };

/** `conversations.changeState` (E2): follow up, reopen, close or assign; each change is logged. */
export const changeConversationState = (
  actor: MemberActor,
  input: { readonly conversationId: ConversationId } & ChangeStateCommand,
) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "conversations.changeState");
    const at = new Date(yield* Clock.currentTimeMillis);
    let command: StateCommand;
    if (input.command === "assign") {
      const directory = yield* Directory;
      const assignee = yield* directory.member(actor.teamId, input.assigneeId);
      if (assignee === null) return yield* Effect.fail(NotFound.of("member"));
      command = { type: "assign", assigneeId: assignee.id, assigneeName: assignee.name };
    } else {
      command = { type: input.command };
    }
    const updated = yield* updateConversation(
      actor.teamId,
      input.conversationId,
      (c) =>
        Either.map(decideStateCommand(c, command), (d) => ({
          state: d.state,
          assigneeId: d.assigneeId,
          events: d.events,
        })),
      { author: authorOf(actor), at },
    );
    const feed = yield* ChangeFeed;
    yield* feed.publish({
      teamId: actor.teamId,
      conversationId: updated.id,
      customerId: updated.customerId,
      kind: "state",
      at,
    });
    return { conversationId: updated.id, state: updated.state, assigneeId: updated.assigneeId };
  });

/** `events.list` (E1): the conversation's log, newest first, with who was responsible. */
export const listEvents = (
  actor: MemberActor,
  input: {
    readonly conversationId: ConversationId;
    readonly cursor?: string | undefined;
    readonly limit: number;
  },
) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "events.view");
    const conversations = yield* Conversations;
    const page = yield* conversations.events(actor.teamId, input.conversationId, {
      cursor: input.cursor ?? null,
      limit: input.limit,
    });
    if (page === null) return yield* Effect.fail(NotFound.of("conversation"));
    return page;
  });

/** `conversations.search` (L9): by customer name or message text; deleted conversations never appear. */
export const searchConversations = (
  actor: MemberActor,
  input: { readonly query: string; readonly limit: number },
) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "conversations.search");
    const conversations = yield* Conversations;
    return yield* conversations.search(actor.teamId, input.query, input.limit);
  });

/**
 * `conversations.delete` (L9, B5): only admin and supervisor; erases the conversation
 * for good and answers a receipt of what was erased (counts, never content).
 */
export const deleteConversation = (
  actor: MemberActor,
  input: { readonly conversationId: ConversationId },
) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "conversations.delete");
    const at = new Date(yield* Clock.currentTimeMillis);
    const conversations = yield* Conversations;
    const receipt = yield* conversations.delete(actor.teamId, input.conversationId, {
      author: authorOf(actor),
      at,
    });
    if (receipt === null) return yield* Effect.fail(NotFound.of("conversation"));
    if (!receipt.alreadyDeleted) {
      const feed = yield* ChangeFeed;
      yield* feed.publish({
        teamId: actor.teamId,
        conversationId: input.conversationId,
        customerId: null,
        kind: "deleted",
        at,
      });
    }
    return receipt;
  });
