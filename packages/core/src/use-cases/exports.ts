import { Clock, Effect } from "effect";
import { encodeTranscriptCsv, transcriptFileName } from "../csv/transcript-csv.js";
import type { Author } from "../domain/author.js";
import type { EmailExportJob } from "../domain/email-export.js";
import { NotFound } from "../domain/errors.js";
import type { ConversationId } from "../domain/ids.js";
import type { MemberActor } from "../domain/model.js";
import { ChangeFeed } from "../ports/change-feed.js";
import { Conversations } from "../ports/conversations.js";
import { ExportOutbox, Mailer } from "../ports/exports.js";
import { IdSource } from "../ports/id-source.js";
import { PanelReader } from "../ports/panel-reader.js";
import { Transactions } from "../ports/transactions.js";
import { ordersSince } from "../rules/orders-visibility.js";
import { encodeTranscriptXlsx } from "../xlsx/transcript-xlsx.js";
import { capabilityInputOf, requireAction, requireCapability, teamOf } from "./authorize.js";

/**
 * L7/L8: the export button works only for admin, only with `conversationExport`,
 * never from the `app` client. The role is checked before anything is read.
 */
const authorizeExport = (actor: MemberActor, conversationId: ConversationId) =>
  Effect.gen(function* () {
    yield* requireAction(actor, "conversations.export");
    const now = new Date(yield* Clock.currentTimeMillis);
    const reader = yield* PanelReader;
    const snapshot = yield* reader.load(actor.teamId, conversationId, {
      memberId: actor.memberId,
      ordersSince: ordersSince(now),
    });
    if (snapshot === null) return yield* Effect.fail(NotFound.of("conversation"));
    yield* requireCapability(
      "exportConversation",
      "conversations.export",
      capabilityInputOf(actor, snapshot),
    );
    return snapshot;
  });

/** Records a completed export: last export time (L7) and a log entry (E2). */
export const recordExportCompleted = (
  teamId: MemberActor["teamId"],
  conversationId: ConversationId,
  format: "csv" | "xlsx" | "email",
  author: Author,
) =>
  Effect.gen(function* () {
    const at = new Date(yield* Clock.currentTimeMillis);
    const conversations = yield* Conversations;
    const transactions = yield* Transactions;
    // Nothing to decide: lock (a missing or erased conversation is NotFound), then record.
    const { customerId } = yield* transactions.withTransaction(
      Effect.zipLeft(
        conversations.lockConversation(teamId, conversationId),
        conversations.recordUpdate(
          teamId,
          conversationId,
          { lastExportedAt: at, events: [{ type: "exported", format }] },
          { author, at },
        ),
      ),
    );
    const feed = yield* ChangeFeed;
    yield* feed.publish({
      teamId,
      conversationId,
      customerId,
      kind: "exported",
      at,
    });
    return { lastExportedAt: at };
  });

// What both file formats of `conversations.export` share: the L8 gates, the file name in the
// team's calendar, the transcript's rows, and the L7 record run once the file is streamed.
const transcriptExport = (
  actor: MemberActor,
  conversationId: ConversationId,
  format: "csv" | "xlsx",
) =>
  Effect.gen(function* () {
    const snapshot = yield* authorizeExport(actor, conversationId);
    const now = new Date(yield* Clock.currentTimeMillis);
    const conversations = yield* Conversations;
    const { timeZone } = snapshot.team;
    return {
      timeZone,
      fileName: transcriptFileName(conversationId, now, timeZone, format),
      rows: conversations.transcript(actor.teamId, conversationId),
      complete: recordExportCompleted(actor.teamId, conversationId, format, {
        memberId: actor.memberId,
        memberName: actor.name,
      }),
    };
  });

/**
 * `conversations.export` as CSV (L7, L8): the file to stream. The last export time
 * changes only when the caller has streamed every chunk and runs `complete`.
 */
export const exportConversationCsv = (
  actor: MemberActor,
  input: { readonly conversationId: ConversationId },
) =>
  Effect.map(
    transcriptExport(actor, input.conversationId, "csv"),
    ({ fileName, rows, timeZone, complete }) => ({
      fileName,
      chunks: encodeTranscriptCsv(rows, timeZone),
      complete,
    }),
  );

/**
 * `conversations.export` as XLSX (L7, L8): the CSV's gates and columns, typed cells. The last
 * export time changes only when the caller has streamed the whole file and runs `complete`.
 */
export const exportConversationXlsx = (
  actor: MemberActor,
  input: { readonly conversationId: ConversationId },
) =>
  Effect.map(
    transcriptExport(actor, input.conversationId, "xlsx"),
    ({ fileName, rows, timeZone, complete }) => ({
      fileName,
      workbook: encodeTranscriptXlsx(rows, timeZone),
      complete,
    }),
  );

/** `conversations.export` by email (L7, L8): queued in the outbox; a worker delivers it. */
export const requestEmailExport = (
  actor: MemberActor,
  input: {
    readonly conversationId: ConversationId;
    readonly to: string;
    readonly attachment?: "csv" | "xlsx";
  },
) =>
  Effect.gen(function* () {
    yield* authorizeExport(actor, input.conversationId);
    const ids = yield* IdSource;
    const outbox = yield* ExportOutbox;
    const job: EmailExportJob = {
      exportId: yield* ids.uuid,
      teamId: actor.teamId,
      conversationId: input.conversationId,
      to: input.to,
      requestedBy: { memberId: actor.memberId, memberName: actor.name },
      requestedAt: new Date(yield* Clock.currentTimeMillis),
      ...(input.attachment === "xlsx" && { attachment: "xlsx" as const }),
    };
    yield* outbox.enqueue(job);
    return { exportId: job.exportId, status: "queued" as const };
  });

/**
 * Sends one queued email export: the transcript as a CSV (or XLSX) attachment, carrying the
 * export's id as its stable reference (one Message-ID on every attempt). A conversation
 * deleted meanwhile (B5), or a team that turned `conversationExport` off (L8), is not
 * sent. It records nothing: the caller records the completion ({@link recordExportCompleted})
 * — a worker does so in the transaction that marks the job sent.
 */
export const sendEmailExport = (job: EmailExportJob) =>
  Effect.gen(function* () {
    const conversations = yield* Conversations;
    const conversation = yield* conversations.get(job.teamId, job.conversationId);
    if (conversation === null)
      return { delivered: false as const, reason: "conversation_gone" as const };
    const team = yield* teamOf({ teamId: job.teamId });
    // L8 holds at delivery too: a job queued before the feature was turned off is not sent.
    if (!team.features.conversationExport) {
      return { delivered: false as const, reason: "feature_disabled" as const };
    }
    const mailer = yield* Mailer;
    const format = job.attachment ?? "csv";
    const fileName = transcriptFileName(job.conversationId, job.requestedAt, team.timeZone, format);
    const messages = conversations.transcript(job.teamId, job.conversationId);
    yield* mailer.send({
      to: job.to,
      subject: `Conversation export ${fileName}`,
      text: `The conversation export you asked for is attached (${fileName}).`,
      attachment:
        format === "xlsx"
          ? { fileName, workbook: encodeTranscriptXlsx(messages, team.timeZone) }
          : { fileName, content: encodeTranscriptCsv(messages, team.timeZone) },
      reference: job.exportId,
    });
    return { delivered: true as const };
  });

/**
 * Delivers one queued email export: {@link sendEmailExport}, then the last export time
 * and the log entry. A conversation deleted meanwhile is not sent (B5).
 */
export const deliverEmailExport = (job: EmailExportJob) =>
  Effect.gen(function* () {
    const sent = yield* sendEmailExport(job);
    if (!sent.delivered) return sent;
    yield* recordExportCompleted(job.teamId, job.conversationId, "email", job.requestedBy);
    return sent;
  });
