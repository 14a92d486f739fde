import { Either } from "effect";
import { describe, expect, it } from "vitest";
import { MemberId } from "../../src/domain/ids.js";
import type { ConversationEventKind } from "../../src/domain/model.js";
import type { ConversationState } from "../../src/domain/vocabulary.js";
import {
  decideStateCommand,
  type StateCommand,
  type StateView,
} from "../../src/rules/conversation-state.js";

const ALICE = MemberId.parse("00000000-0000-4000-8000-00000000000a");
const BOB = MemberId.parse("00000000-0000-4000-8000-00000000000b");

const COMMANDS = {
  customer_message: { type: "customer_message" },
  follow_up: { type: "follow_up" },
  reopen: { type: "reopen" },
  close: { type: "close" },
  "assign Bob": { type: "assign", assigneeId: BOB, assigneeName: "Bob" },
  "assign Alice again": { type: "assign", assigneeId: ALICE, assigneeName: "Alice" },
} as const satisfies Record<string, StateCommand>;
type CommandName = keyof typeof COMMANDS;

/** A new conversation has no state and no assignee; an existing one is assigned to Alice. */
const viewOf = (state: ConversationState | null): StateView => ({
  state,
  assigneeId: state === null ? null : ALICE,
});

const moved = (from: ConversationState | null, to: ConversationState): ConversationEventKind => ({
  type: "state_changed",
  from,
  to,
});
const assignedBob: ConversationEventKind = {
  type: "assigned",
  assigneeId: BOB,
  assigneeName: "Bob",
};
const REFUSED = "INVALID_STATE_TRANSITION";

type Expected =
  | { readonly state: ConversationState; readonly events: readonly ConversationEventKind[] }
  | typeof REFUSED;

/** E2 in full: every state × every command → the next state and the log entries, or a refusal. */
const TABLE: readonly (readonly [ConversationState | null, CommandName, Expected])[] = [
  [null, "customer_message", { state: "pending", events: [moved(null, "pending")] }],
  [null, "follow_up", REFUSED],
  [null, "reopen", REFUSED],
  [null, "close", REFUSED],
  [null, "assign Bob", REFUSED],

  ["pending", "customer_message", { state: "pending", events: [] }],
  ["pending", "follow_up", { state: "in_progress", events: [moved("pending", "in_progress")] }],
  ["pending", "reopen", REFUSED],
  ["pending", "close", { state: "closed", events: [moved("pending", "closed")] }],
  ["pending", "assign Bob", { state: "pending", events: [assignedBob] }],
  ["pending", "assign Alice again", { state: "pending", events: [] }],

  ["in_progress", "customer_message", { state: "in_progress", events: [] }],
  ["in_progress", "follow_up", { state: "in_progress", events: [] }],
  ["in_progress", "reopen", { state: "in_progress", events: [] }],
  ["in_progress", "close", { state: "closed", events: [moved("in_progress", "closed")] }],
  ["in_progress", "assign Bob", { state: "in_progress", events: [assignedBob] }],
  ["in_progress", "assign Alice again", { state: "in_progress", events: [] }],

  ["closed", "customer_message", { state: "pending", events: [moved("closed", "pending")] }],
  ["closed", "follow_up", REFUSED],
  ["closed", "reopen", { state: "in_progress", events: [moved("closed", "in_progress")] }],
  ["closed", "close", { state: "closed", events: [] }],
  ["closed", "assign Bob", { state: "closed", events: [assignedBob] }],
  ["closed", "assign Alice again", { state: "closed", events: [] }],
];

describe("E2 conversation states move by customer messages, follow-up, reopen, close and assignment", () => {
  it.each(TABLE)("%s + %s → %j", (state, name, expected) => {
    const command = COMMANDS[name];
    const result = decideStateCommand(viewOf(state), command);
    if (expected === REFUSED) {
      if (Either.isRight(result)) throw new Error("expected a refusal");
      expect(result.left.code).toBe(REFUSED);
      expect(result.left._tag).toBe("InvalidStateTransition");
      expect(result.left.command).toBe(command.type);
      if (state !== null) expect(result.left.state).toBe(state);
      return;
    }
    if (Either.isLeft(result)) throw new Error(`unexpected ${result.left.message}`);
    expect(result.right).toEqual({
      state: expected.state,
      assigneeId: command.type === "assign" ? command.assigneeId : viewOf(state).assigneeId,
      events: expected.events,
    });
  });

  it("the table covers every state × every command", () => {
    const states = [null, "pending", "in_progress", "closed"];
    const types = ["customer_message", "follow_up", "reopen", "close", "assign"];
    const covered = new Set(TABLE.map(([s, name]) => `${s}/${COMMANDS[name].type}`));
    expect(covered.size).toBe(states.length * types.length);
  });

  // Every accepted command, reopen included: a retried click changes nothing and logs nothing.
  it.each(TABLE.filter(([, , expected]) => expected !== REFUSED))(
    "repeating %s + %s is a no-op without log entries",
    (state, name) => {
      const command = COMMANDS[name];
      const first = decideStateCommand(viewOf(state), command);
      if (Either.isLeft(first)) throw new Error("the table says this is accepted");
      const again = decideStateCommand(first.right, command);
      expect(again).toEqual(Either.right({ ...first.right, events: [] }));
    },
  );

  it("reopening twice: the second reopen finds it in progress and changes nothing", () => {
    const first = decideStateCommand(viewOf("closed"), { type: "reopen" });
    if (Either.isLeft(first)) throw new Error("a closed conversation can be reopened");
    const again = decideStateCommand(first.right, { type: "reopen" });
    expect(again).toEqual(Either.right({ ...first.right, events: [] }));
  });

  it("the first assignment, when nobody was assigned, names the assignee in the log", () => {
    const result = decideStateCommand(
      { state: "pending", assigneeId: null },
      { type: "assign", assigneeId: ALICE, assigneeName: "Alice" },
    );
    expect(result).toEqual(
      Either.right({
        state: "pending",
        assigneeId: ALICE,
        events: [{ type: "assigned", assigneeId: ALICE, assigneeName: "Alice" }],
      }),
    );
  });

  it("a refusal says in words what can not be done", () => {
    const result = decideStateCommand(viewOf("closed"), { type: "follow_up" });
    expect(Either.isLeft(result) && result.left.message).toBe(
      "Can not follow up a conversation that is closed.",
    );
  });
});
