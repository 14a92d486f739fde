import {
  type Author,
  type Channel,
  type Conversation,
  type ConversationId,
  type DomainError,
  type DomainErrorCode,
  type MemberId,
  type PresenceSignal,
  recordPresence,
  type SenderType,
  storeMessage,
  type TeamId,
  updateConversation,
} from "@customer-panel/core";
import {
  Conversations,
  type ConversationUpdate,
  type IncomingMessage,
  Ingestion,
  Transactions,
} from "@customer-panel/core/adapter";
import type { PGlite } from "@electric-sql/pglite";
import { Cause, Effect, type Either, Exit, Layer, Option } from "effect";
import { expect } from "vitest";
import type { Db } from "../src/database.js";
import { makeConversations } from "../src/repositories/conversations.js";
import { makeIngestion } from "../src/repositories/ingestion.js";
import { makeTransactions } from "../src/repositories/transactions.js";

/**
 * Calling the db ports from tests: an IncomingMessage builder, core's own transactions
 * (lock → decide → record) run on the db's ports, and reading an Effect's outcome as the code
 * a client would see.
 */

/** The ports core's conversation and ingestion transactions use, on `db`. */
export const conversationPorts = (db: Db) =>
  Layer.mergeAll(
    Layer.succeed(Conversations, makeConversations(db)),
    Layer.succeed(Ingestion, makeIngestion(db)),
    Layer.succeed(Transactions, makeTransactions(db)),
  );

/** An inbound message from `externalUserId` on `channel` (customer, now, with a default name). */
export const incoming = (
  teamId: string,
  externalUserId: string,
  overrides: Partial<Omit<IncomingMessage, "teamId" | "externalUserId">> & {
    readonly channel?: Channel;
    readonly sender?: SenderType;
  } = {},
): IncomingMessage => ({
  teamId: teamId as TeamId,
  channel: "line",
  externalUserId,
  sender: "customer",
  content: "你好",
  sentAt: new Date("2025-03-01T00:00:00Z"),
  agent: null,
  newCustomer: { displayName: "新客人", phone: null },
  waId: null,
  businessScopedId: null,
  ...overrides,
});

/** Ingests a message with core's transaction (L5/E2 decided in core), answering the Exit. */
export const ingest = (db: Db, message: IncomingMessage) =>
  Effect.runPromiseExit(storeMessage(message).pipe(Effect.provide(conversationPorts(db))));

/** Runs core's conversation transaction (lock → `decide` → record), answering the Exit. */
export const updateOn = <E extends DomainError>(
  db: Db,
  teamId: string,
  conversationId: string,
  decide: (conversation: Conversation) => Either.Either<ConversationUpdate, E>,
  log: { readonly author: Author; readonly at: Date },
) =>
  Effect.runPromiseExit(
    updateConversation(teamId as TeamId, conversationId as ConversationId, decide, log).pipe(
      Effect.provide(conversationPorts(db)),
    ),
  );

/** Runs core's presence transaction (L6) for a webchat visitor, answering the Exit. */
export const presenceOn = (
  db: Db,
  teamId: string,
  visitorId: string,
  signal: PresenceSignal,
  at: Date,
) =>
  Effect.runPromiseExit(
    recordPresence(teamId as TeamId, visitorId, signal, at).pipe(
      Effect.provide(conversationPorts(db)),
    ),
  );

/** An author for logs: a member with a name, or the system. */
export const author = (memberId: string | null, memberName: string | null): Author => ({
  memberId: memberId as MemberId | null,
  memberName,
});

/** The domain error code of a failed Exit; "SUCCESS" or "DEFECT" otherwise. */
export const outcomeOf = <A, E>(exit: Exit.Exit<A, E>): DomainErrorCode | "SUCCESS" | "DEFECT" => {
  if (Exit.isSuccess(exit)) return "SUCCESS";
  const failure = Cause.failureOption(exit.cause);
  return Option.isSome(failure) ? (failure.value as { code: DomainErrorCode }).code : "DEFECT";
};

/** The value of a successful Exit, or a test failure naming the cause. */
export const successOf = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isFailure(exit)) throw new Error(`expected success, got ${Cause.pretty(exit.cause)}`);
  return exit.value;
};

/** Asserts the Exit failed with `code`. */
export const expectCode = <A, E>(exit: Exit.Exit<A, E>, code: DomainErrorCode): void => {
  expect(outcomeOf(exit)).toBe(code);
};

/** Counts the queries a repository makes through `db`: every batch is one `db.select(…)`. */
export const countingSelects = (db: Db) => {
  const counter = { selects: 0 };
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === "select") counter.selects += 1;
      return Reflect.get(target, prop, receiver);
    },
  });
  return { db: proxy, counter };
};

/**
 * A PGlite database whose row export counts its COPY statements: the real instance, with
 * `transaction` handing the callback a handle that counts each `COPY …` it runs.
 */
export const countingCopies = (pglite: PGlite) => {
  const counter = { copies: 0 };
  const transaction: PGlite["transaction"] = (callback) =>
    pglite.transaction((tx) =>
      callback({
        ...tx,
        query: ((text: string, ...rest: never[]) => {
          if (text.startsWith("COPY")) counter.copies += 1;
          return tx.query(text, ...rest);
        }) as typeof tx.query,
      }),
    );
  const counted = new Proxy(pglite, {
    get: (target, prop, receiver) =>
      prop === "transaction" ? transaction : Reflect.get(target, prop, receiver),
  });
  return { database: { driver: "pglite" as const, pool: undefined, pglite: counted }, counter };
};

/** Drains a batched stream (transcripts, reports) into one array of its rows. */
export const collectRows = async <T>(batches: AsyncIterable<readonly T[]>): Promise<T[]> =>
  (await collect(batches)).flat();

/** Drains an async iterable into an array. */
export const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};
