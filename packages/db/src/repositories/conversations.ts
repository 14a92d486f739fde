import {
  type Author,
  type ConversationId,
  type DeletionReceipt,
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
import { type Context, Effect } from "effect";
import type { Db } from "../database.js";
import { preparedPerDatabase } from "../prepared-statements.js";
import { keysetRowExport } from "../row-export/keyset-export.js";
import { EXPORT_BATCH_SIZE, type RowExport, type RowExportSpec } from "../row-export/row-export.js";
import {
  conversationEvents,
  conversations,
  deletionTombstones,
  emailExports,
  messages,
} from "../schema.js";
import { onHandle, query, transact } from "../transaction.js";
import { eventRows, presenceColumns, toConversationEvent } from "./conversation-rows.js";
import { searchConversations } from "./conversation-search.js";
import { conversationFromRow } from "./rows.js";

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

// E1's statements, prepared once per database (see preparedPerDatabase): each runs per page.
const conversationOfTeam = preparedPerDatabase((db) =>
  db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      and(
        eq(conversations.teamId, sql.placeholder("teamId")),
        eq(conversations.id, sql.placeholder("conversationId")),
      ),
    )
    .prepare("conversation_of_team"),
);

const eventsBefore = (db: Db, cursor: boolean) =>
  db
    .select()
    .from(conversationEvents)
    .where(
      and(
        eq(conversationEvents.teamId, sql.placeholder("teamId")),
        eq(conversationEvents.conversationId, sql.placeholder("conversationId")),
        cursor ? lt(conversationEvents.seq, sql.placeholder("before")) : undefined,
      ),
    )
    .orderBy(desc(conversationEvents.seq))
    .limit(sql.placeholder("limit"))
    .prepare(cursor ? "events_page_after" : "events_page_first");
const firstEventsPage = preparedPerDatabase((db) => eventsBefore(db, false));
const laterEventsPage = preparedPerDatabase((db) => eventsBefore(db, true));

const eventsPage = async (
  db: Db,
  teamId: string,
  conversationId: string,
  page: { readonly cursor: string | null; readonly limit: number },
) => {
  const [found] = await conversationOfTeam(db).execute({ teamId, conversationId });
  if (found === undefined) return null;
  // A cursor this repository never issued answers an empty page: it can not be
  // mistaken for the first page, and it can not address another conversation's log.
  if (page.cursor !== null && !CURSOR.test(page.cursor)) return { events: [], nextCursor: null };
  const limit = Math.max(0, Math.floor(page.limit));
  const rows =
    page.cursor === null
      ? await firstEventsPage(db).execute({ teamId, conversationId, limit: limit + 1 })
      : await laterEventsPage(db).execute({
          teamId,
          conversationId,
          limit: limit + 1,
          before: Number(page.cursor),
        });
  const shown = rows.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    events: shown.map(toConversationEvent),
    nextCursor: rows.length > limit && last !== undefined ? String(last.seq) : null,
  };
};

// L7's messages in order: time, then arrival, so equal instants keep their order.
const transcriptExport = (
  db: Db,
  teamId: string,
  conversationId: string,
): RowExportSpec<TranscriptMessage> => ({
  fields: [messages.sentAt, messages.sender, messages.agentName, messages.content],
  key: [messages.sentAt, messages.seq],
  select: (fields, bind, after) =>
    db
      .select(fields)
      .from(messages)
      .where(
        and(
          // The team filter alone makes another team's conversation yield nothing (X2).
          eq(messages.teamId, bind(teamId, messages.teamId)),
          eq(messages.conversationId, bind(conversationId, messages.conversationId)),
          after,
        ),
      )
      .orderBy(asc(messages.sentAt), asc(messages.seq)),
  toRow: (row) => ({
    sentAt: row.instant(0),
    sender: row.oneOf(1, SENDER_TYPES) as TranscriptMessage["sender"],
    agentName: row.repeated(2),
    content: row.text(3) ?? "",
  }),
});

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

/** The Conversations port on PGlite or PostgreSQL; L7's transcript comes through `rows`. */
export const makeConversations = (
  db: Db,
  rows: RowExport = keysetRowExport(EXPORT_BATCH_SIZE),
): Context.Tag.Service<typeof Conversations> => {
  return {
    get: (teamId, conversationId) =>
      query(async () => {
        const [row] = await db.select().from(conversations).where(ofTeam(teamId, conversationId));
        return row === undefined ? null : conversationFromRow(row);
      }),
    lockConversation: (teamId, conversationId) =>
      onHandle(db, (handle) =>
        handle.select().from(conversations).where(ofTeam(teamId, conversationId)).for("update"),
      ).pipe(
        Effect.flatMap(([row]) =>
          row === undefined
            ? Effect.fail(NotFound.of("conversation"))
            : Effect.succeed(conversationFromRow(row)),
        ),
      ),
    recordUpdate: (teamId, conversationId, update, log) =>
      onHandle(db, async (handle) => {
        const columns = columnsOf(update);
        if (Object.keys(columns).length > 0) {
          await handle.update(conversations).set(columns).where(ofTeam(teamId, conversationId));
        }
        const events = eventRows(teamId, conversationId, update.events, log);
        if (events.length > 0) await handle.insert(conversationEvents).values(events);
      }),
    events: (teamId, conversationId, page) =>
      query(() => eventsPage(db, teamId, conversationId, page)),
    transcript: (teamId, conversationId) => rows(transcriptExport(db, teamId, conversationId)),
    search: (teamId, text, limit) => query(() => searchConversations(db, teamId, text, limit)),
    delete: (teamId, conversationId, by) => deleteConversation(db, teamId, conversationId, by),
  };
};
