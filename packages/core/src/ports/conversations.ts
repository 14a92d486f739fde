import { Context, type Effect } from "effect";
import type { Author } from "../domain/author.js";
import type { DeletionReceipt, SearchHit } from "../domain/conversation-records.js";
import type { ConversationUpdate } from "../domain/conversation-update.js";
import type { NotFound } from "../domain/errors.js";
import type { ConversationId, TeamId } from "../domain/ids.js";
import type { Conversation, ConversationEvent } from "../domain/model.js";
import type { TranscriptMessage } from "../domain/report-rows.js";

/** Conversations, their messages and event log. */
export class Conversations extends Context.Tag("customer-panel/Conversations")<
  Conversations,
  {
    /** The conversation, or null when missing or another team's. */
    readonly get: (
      teamId: TeamId,
      conversationId: ConversationId,
    ) => Effect.Effect<Conversation | null>;
    /**
     * Locks the conversation until the transaction ends and reads it; NotFound("conversation")
     * for a missing or another team's id.
     */
    readonly lockConversation: (
      teamId: TeamId,
      conversationId: ConversationId,
    ) => Effect.Effect<Conversation, NotFound>;
    /** Writes the fields a decision names (`withUpdate` is the result) and appends its log entries. */
    readonly recordUpdate: (
      teamId: TeamId,
      conversationId: ConversationId,
      update: ConversationUpdate,
      log: { readonly author: Author; readonly at: Date },
    ) => Effect.Effect<void>;
    /**
     * E1: log entries newest first (insertion order), paged by an opaque cursor; a
     * malformed cursor gives an empty page. Null when the conversation is missing.
     */
    readonly events: (
      teamId: TeamId,
      conversationId: ConversationId,
      page: { readonly cursor: string | null; readonly limit: number },
    ) => Effect.Effect<{
      readonly events: readonly ConversationEvent[];
      readonly nextCursor: string | null;
    } | null>;
    /** L7: the messages, oldest first, streamed in batches; nothing for a missing/foreign id. */
    readonly transcript: (
      teamId: TeamId,
      conversationId: ConversationId,
    ) => AsyncIterable<readonly TranscriptMessage[]>;
    /** L9: by customer name or message text. */
    readonly search: (
      teamId: TeamId,
      query: string,
      limit: number,
    ) => Effect.Effect<readonly SearchHit[]>;
    /**
     * L9/B5: in one transaction erases the conversation, its messages, log, presence,
     * search data and pending exports, keeps profile and tags, writes a tombstone.
     * Null when it never existed in this team; the first receipt again when already deleted.
     */
    readonly delete: (
      teamId: TeamId,
      conversationId: ConversationId,
      by: { readonly author: Author; readonly at: Date },
    ) => Effect.Effect<DeletionReceipt | null>;
  }
>() {}
