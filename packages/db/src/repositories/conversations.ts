import {
  type Author,
  type Conversation,
  type ConversationId,
  type DeletionReceipt,
  type DomainError,
  type MemberId,
  NotFound,
  SENDER_TYPES,
  type TeamId,
} from "@customer-panel/core";
import type {
  Conversations,
  ConversationUpdate,
  TranscriptMessage,
} from "@customer-panel/core/adapter";
import { and, asc, desc, eq, lt, sql } from "drizzle-orm";
import { type Context, Either } from "effect";
import type pg from "pg";
import type { Db } from "../database.js";
import {
  conversationEvents,
  conversations,
  deletionTombstones,
  emailExports,
  messages,
} from "../schema.js";
import { query, transact } from "../transaction.js";
import { eventRows, presenceColumns, toConversationEvent } from "./conversation-rows.js";
import { searchConversations } from "./conversation-search.js";
import {
  type CopyOptions,
  copyBatches,
  copySelectText,
  serverPoolOf,
  utcTimestampSql,
} from "./copy-rows.js";
import { keysetBatches } from "./keyset.js";
import { conversationFromRow } from "./rows.js";

/** Options of the conversation repository. */
export interface ConversationsOptions extends CopyOptions {
  /** L7 on PGlite: messages read per round trip while streaming a transcript (memory stays flat). */
  readonly transcriptBatchSize?: number;
}

/** Messages per transcript batch: large enough to be fast, small enough to be flat. */
export const TRANSCRIPT_BATCH_SIZE = 2_000;

const ofTeam = (teamId: string, conversationId: string) =>
  and(eq(conversations.teamId, teamId), eq(conversations.id, conversationId));

/** The columns a ConversationUpdate names; an absent field is left as it is. */
const columnsOf = (update: ConversationUpdate): Partial<typeof conversations.$inferInsert> => ({
  ...(update.state !== undefined && { state: update.state }),
  ...(update.assigneeId !== undefined && { assigneeId: update.assigneeId }),
  ...(update.active !== undefined && { active: update.active }),
  ...(update.presence !== undefined && presenceColumns(update.presence)),
  ...(update.lastExportedAt !== undefined && { lastExportedAt: update.lastExportedAt }),
});

// E1 cursor: the `seq` of the last entry of the previous page, as decimal text.
const CURSOR = /^[1-9][0-9]{0,15}$/;

const eventsPage = async (
  db: Db,
  teamId: string,
  conversationId: string,
  page: { readonly cursor: string | null; readonly limit: number },
) => {
  const [found] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(ofTeam(teamId, conversationId));
  if (found === undefined) return null;
  // A cursor this repository never issued answers an empty page: it can not be
  // mistaken for the first page, and it can not address another conversation's log.
  if (page.cursor !== null && !CURSOR.test(page.cursor)) return { events: [], nextCursor: null };
  const limit = Math.max(0, Math.floor(page.limit));
  const rows = await db
    .select()
    .from(conversationEvents)
    .where(
      and(
        eq(conversationEvents.teamId, teamId),
        eq(conversationEvents.conversationId, conversationId),
        page.cursor === null ? undefined : lt(conversationEvents.seq, Number(page.cursor)),
      ),
    )
    .orderBy(desc(conversationEvents.seq))
    .limit(limit + 1);
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    events: shown.map(toConversationEvent),
    nextCursor: rows.length > limit && last !== undefined ? String(last.seq) : null,
  };
};

interface TranscriptRow extends TranscriptMessage {
  readonly seq: number;
  /** `sent_at` as PostgreSQL prints it: the exact keyset position. */
  readonly sentAtKey: string;
}

/** Where a keyset batch of the transcript ended. */
interface TranscriptCursor {
  readonly sentAt: string;
  readonly seq: number;
}

/** L7's messages in order: time, then arrival, so equal instants keep their order. */
const transcriptQuery = <Fields extends Record<string, unknown>>(
  db: Db,
  fields: Fields,
  teamId: string,
  conversationId: string,
  after: TranscriptCursor | null,
) =>
  db
    .select(fields as never)
    .from(messages)
    .where(
      and(
        // The team filter alone makes another team's conversation yield nothing (X2).
        eq(messages.teamId, teamId),
        eq(messages.conversationId, conversationId),
        after === null
          ? undefined
          : sql`(${messages.sentAt}, ${messages.seq}) > (${after.sentAt}::timestamptz, ${after.seq})`,
      ),
    )
    .orderBy(asc(messages.sentAt), asc(messages.seq));

const transcriptColumns = {
  sender: sql<TranscriptMessage["sender"]>`${messages.sender}`,
  agentName: messages.agentName,
  content: messages.content,
};

// L7 on a server: the whole conversation as one COPY statement (copy-rows.ts says why).
const copiedTranscript = (
  pool: pg.Pool,
  db: Db,
  teamId: string,
  conversationId: string,
  options: CopyOptions,
): AsyncIterable<readonly TranscriptMessage[]> => {
  const text = copySelectText(
    transcriptQuery(
      db,
      { sentAt: utcTimestampSql(messages.sentAt), ...transcriptColumns },
      teamId,
      conversationId,
      null,
    ),
  );
  return copyBatches(
    pool,
    text,
    4,
    (line): TranscriptMessage => ({
      sentAt: line.instant(0),
      sender: line.oneOf(1, SENDER_TYPES) as TranscriptMessage["sender"],
      agentName: line.repeated(2),
      content: line.field(3) ?? "",
    }),
    options,
  );
};

// L7 on PGlite: keyset batches on (sent_at, seq), one read ahead (keyset.ts). The time travels
// as PostgreSQL's own text so microseconds a JS Date would drop can not skip or repeat a
// message between batches.
async function* keysetTranscript(
  db: Db,
  teamId: string,
  conversationId: string,
  batchSize: number,
): AsyncGenerator<readonly TranscriptMessage[]> {
  const fields = {
    seq: messages.seq,
    sentAt: messages.sentAt,
    sentAtKey: sql<string>`${messages.sentAt}::text`,
    ...transcriptColumns,
  };
  const read = (after: TranscriptCursor | null) =>
    transcriptQuery(db, fields, teamId, conversationId, after)
      .limit(batchSize)
      .then((rows) => rows as unknown as TranscriptRow[]);
  const cursorOf = (last: TranscriptRow) => ({ sentAt: last.sentAtKey, seq: Number(last.seq) });
  for await (const batch of keysetBatches(read, cursorOf, batchSize)) {
    yield batch.map(
      (row): TranscriptMessage => ({
        sentAt: row.sentAt,
        sender: row.sender,
        agentName: row.agentName,
        content: row.content,
      }),
    );
  }
}

const receiptOf = (
  row: typeof deletionTombstones.$inferSelect,
  alreadyDeleted: boolean,
): DeletionReceipt => ({
  conversationId: row.erasedConversationId as ConversationId,
  deletedAt: row.deletedAt,
  deletedBy: { memberId: row.deletedByMemberId as MemberId | null, memberName: row.deletedByName },
  messages: row.messages,
  events: row.events,
  pendingExports: row.pendingExports,
  alreadyDeleted,
});

/** L9/B5: erases one conversation in one transaction and answers the receipt. */
const deleteConversation = (
  db: Db,
  teamId: TeamId,
  conversationId: ConversationId,
  by: { readonly author: Author; readonly at: Date },
) =>
  transact(db, async (tx) => {
    // The lock also waits out a concurrent delete or message of the same conversation,
    // so the counts are exact and the loser of two deletes finds the tombstone below.
    const [locked] = await tx
      .select({ id: conversations.id })
      .from(conversations)
      .where(ofTeam(teamId, conversationId))
      .for("update");
    if (locked === undefined) {
      const [stone] = await tx
        .select()
        .from(deletionTombstones)
        .where(
          and(
            eq(deletionTombstones.teamId, teamId),
            eq(deletionTombstones.erasedConversationId, conversationId),
          ),
        );
      return stone === undefined ? null : receiptOf(stone, true);
    }
    const inConversation = <T extends typeof messages | typeof conversationEvents>(table: T) =>
      and(eq(table.teamId, teamId), eq(table.conversationId, conversationId));
    // One after another: a transaction is one connection (and PGlite runs one statement at a time).
    const messageCount = await tx.$count(messages, inConversation(messages));
    const eventCount = await tx.$count(conversationEvents, inConversation(conversationEvents));
    const pendingExports = await tx.$count(
      emailExports,
      and(
        eq(emailExports.teamId, teamId),
        eq(emailExports.conversationId, conversationId),
        eq(emailExports.status, "pending"),
      ),
    );
    // Messages, log, outbox rows and stored live changes (B6) cascade; tag applications
    // keep their history with conversation_id set null (T5); customer, identity and tags
    // are not touched.
    await tx.delete(conversations).where(ofTeam(teamId, conversationId));
    const [stone] = await tx
      .insert(deletionTombstones)
      .values({
        teamId,
        erasedConversationId: conversationId,
        deletedAt: by.at,
        deletedByMemberId: by.author.memberId,
        deletedByName: by.author.memberName,
        messages: messageCount,
        events: eventCount,
        pendingExports,
      })
      .returning();
    if (stone === undefined) throw new Error("The tombstone insert returned no row");
    return receiptOf(stone, false);
  });

/** The Conversations port on PGlite or PostgreSQL. */
export const makeConversations = (
  db: Db,
  options: ConversationsOptions = {},
): Context.Tag.Service<typeof Conversations> => {
  const batchSize = Math.max(1, options.transcriptBatchSize ?? TRANSCRIPT_BATCH_SIZE);
  const pool = serverPoolOf(db);
  return {
    get: (teamId, conversationId) =>
      query(async () => {
        const [row] = await db.select().from(conversations).where(ofTeam(teamId, conversationId));
        return row === undefined ? null : conversationFromRow(row);
      }),
    update: <E extends DomainError>(
      teamId: TeamId,
      conversationId: ConversationId,
      decide: (conversation: Conversation) => Either.Either<ConversationUpdate, E>,
      log: { readonly author: Author; readonly at: Date },
    ) =>
      transact<Conversation, E | NotFound>(db, async (tx, refuse) => {
        const [locked] = await tx
          .select()
          .from(conversations)
          .where(ofTeam(teamId, conversationId))
          .for("update");
        if (locked === undefined) return refuse(NotFound.of("conversation"));
        const decision = decide(conversationFromRow(locked));
        if (Either.isLeft(decision)) return refuse(decision.left);
        const columns = columnsOf(decision.right);
        let row = locked;
        if (Object.keys(columns).length > 0) {
          const [updated] = await tx
            .update(conversations)
            .set(columns)
            .where(ofTeam(teamId, conversationId))
            .returning();
          if (updated === undefined) throw new Error("The locked conversation vanished");
          row = updated;
        }
        const events = eventRows(teamId, conversationId, decision.right.events, log);
        if (events.length > 0) await tx.insert(conversationEvents).values(events);
        return conversationFromRow(row);
      }),
    events: (teamId, conversationId, page) =>
      query(() => eventsPage(db, teamId, conversationId, page)),
    transcript: (teamId, conversationId) =>
      pool === undefined
        ? keysetTranscript(db, teamId, conversationId, batchSize)
        : copiedTranscript(pool, db, teamId, conversationId, options),
    search: (teamId, text, limit) => query(() => searchConversations(db, teamId, text, limit)),
    delete: (teamId, conversationId, by) => deleteConversation(db, teamId, conversationId, by),
  };
};
