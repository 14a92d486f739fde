import { Context, type Effect } from "effect";
import type { TagRecordRow, TagStatsRow } from "./csv/tag-report-csv.js";
import type { TranscriptMessage } from "./csv/transcript-csv.js";
import type { ConversationUpdate } from "./domain/conversation-update.js";
import type { NotFound, RateLimited } from "./domain/errors.js";
import type {
  ConversationId,
  CustomerId,
  IdentityId,
  MemberId,
  MessageId,
  TagApplicationId,
  TagId,
  TeamId,
} from "./domain/ids.js";
import type {
  Cart,
  Conversation,
  ConversationEvent,
  Customer,
  FieldChange,
  Identity,
  Member,
  OmoBinding,
  Order,
  OrderItem,
  Profile,
  Tag,
  Team,
} from "./domain/model.js";
import type { Channel, PanelChangeKind, SenderType, TagMethod } from "./domain/vocabulary.js";
import type { StateDecision } from "./rules/conversation-state.js";
import type { RememberedAnswer } from "./rules/idempotency.js";
import type { ProfileEditDecision } from "./rules/profile-edit.js";
import type { InstantRange, TagFrequency } from "./rules/tag-frequency.js";
import type { NormalisedTagName } from "./rules/tag-name.js";
import type { SuggestionCandidate } from "./rules/tag-suggestions.js";
import type { BoundConversation } from "./rules/website-member.js";
import type { XlsxWorkbook } from "./xlsx/xlsx-package.js";

/**
 * Ports: what the use cases need from the outside world, as Effect services.
 * `packages/db` provides them. Where a decision depends on stored state that
 * concurrent requests may change, the port offers narrow steps — lock and read, record —
 * and the use case runs lock → decide → record inside `Transactions.withTransaction`: the
 * rule stays in core, and no port takes a function from core.
 */

/** Who did something, for logs and audit. */
export interface Author {
  readonly memberId: MemberId | null;
  readonly memberName: string | null;
}

// ——— teams and members ———

/** Team and member look-ups. */
export class Directory extends Context.Tag("customer-panel/Directory")<
  Directory,
  {
    /** The team, or null. */
    readonly team: (teamId: TeamId) => Effect.Effect<Team | null>;
    /** A member of the team, or null (another team's member is null too). */
    readonly member: (teamId: TeamId, memberId: MemberId) => Effect.Effect<Member | null>;
  }
>() {}

/** Per-member preferences (P5). */
export class Preferences extends Context.Tag("customer-panel/Preferences")<
  Preferences,
  {
    /** Remembers whether the member hides the profile panel. */
    readonly setPanelHidden: (
      teamId: TeamId,
      memberId: MemberId,
      hidden: boolean,
    ) => Effect.Effect<void>;
  }
>() {}

// ——— panel read ———

/** Everything `panel.get` shows, read in one go (db: at most 3 round trips). */
export interface PanelSnapshot {
  readonly team: Team;
  readonly conversation: Conversation;
  readonly identity: Identity;
  readonly customer: Customer;
  /** All identities of the customer, oldest first (P3 takes the first WhatsApp one). */
  readonly identities: readonly Identity[];
  readonly assignee: Pick<Member, "id" | "name"> | null;
  /** Conversations of identities bound to the same website member (L1 candidates). */
  readonly boundConversations: readonly BoundConversation[];
  /** Tags on the customer with their counts (T4, T5). */
  readonly tags: readonly {
    readonly tagId: TagId;
    readonly name: string;
    readonly count: number;
  }[];
  /** Orders of the customer's website member accounts placed since the given time (L2). */
  readonly orders: readonly Order[];
  readonly cart: Cart | null;
  readonly omoBinding: OmoBinding | null;
  /** P5 for the member reading. */
  readonly panelHidden: boolean;
}

/** Reads the panel. */
export class PanelReader extends Context.Tag("customer-panel/PanelReader")<
  PanelReader,
  {
    /** The snapshot, or null when the conversation is missing or another team's. */
    readonly load: (
      teamId: TeamId,
      conversationId: ConversationId,
      reader: { readonly memberId: MemberId; readonly ordersSince: Date },
    ) => Effect.Effect<PanelSnapshot | null>;
  }
>() {}

// ——— profile ———

/** What the profile decision sees. */
export interface ProfileView {
  readonly customer: Customer;
  readonly identities: readonly Identity[];
}

/**
 * Customer profiles (P1–P4, P6). The use cases decide; these methods lock and read, or write
 * what was decided. Run them inside `Transactions.withTransaction`: a lock holds until the
 * transaction ends.
 */
export class Profiles extends Context.Tag("customer-panel/Profiles")<
  Profiles,
  {
    /**
     * Locks the customer and reads it with its identities, oldest first (P3 takes the first
     * WhatsApp one); NotFound("customer") for a missing or another team's id.
     */
    readonly lockProfile: (
      teamId: TeamId,
      customerId: CustomerId,
    ) => Effect.Effect<ProfileView, NotFound>;
    /** P6: stores the decided profile and one audit entry with its field changes. */
    readonly recordEdit: (
      teamId: TeamId,
      customerId: CustomerId,
      edit: ProfileEditDecision,
      audit: { readonly author: Author; readonly at: Date },
    ) => Effect.Effect<void>;
    /**
     * P4: locks the customer of the team's webchat visitor and reads its pixel member id;
     * NotFound("identity") when the team has no such visitor.
     */
    readonly lockVisitorMemberId: (
      teamId: TeamId,
      visitorId: string,
    ) => Effect.Effect<
      { readonly customerId: CustomerId; readonly memberId: string | null },
      NotFound
    >;
    /** P4: stores the customer's pixel member id. */
    readonly recordMemberId: (
      teamId: TeamId,
      customerId: CustomerId,
      memberId: string,
    ) => Effect.Effect<void>;
  }
>() {}

/** One entry of the profile audit trail (P6, B4). */
export interface ProfileAuditEntry {
  readonly customerId: CustomerId;
  readonly at: Date;
  readonly author: Author;
  readonly changes: readonly FieldChange[];
}

// ——— tags ———

/** A request to apply a tag, as `applyTagRequest` takes it: ids and time already chosen. */
export interface TagApplyRequest {
  readonly teamId: TeamId;
  readonly customerId: CustomerId;
  readonly tag: NormalisedTagName;
  readonly conversationId: ConversationId | null;
  readonly method: TagMethod;
  readonly author: Author;
  readonly at: Date;
  /** T4: the member confirmed a repeat. */
  readonly confirmed: boolean;
  /**
   * T8: keys are per team. A retry with the same key and fingerprint returns the first
   * `applied` answer (`replayed: true`) before any other check, and counts once.
   */
  readonly idempotencyKey: string | null;
  /** What the key stands for; the same key with another fingerprint is IDEMPOTENCY_KEY_REUSED. */
  readonly fingerprint: string;
  readonly newApplicationId: TagApplicationId;
  readonly newTagId: TagId;
}

/** The answer to a tag application (T3, T4, T8). */
export type TagApplyResult =
  | {
      readonly kind: "applied";
      readonly tag: Tag;
      readonly count: number;
      readonly repeat: boolean;
      readonly applicationId: TagApplicationId;
      readonly channel: Channel | null;
      readonly appliedAt: Date;
      /** True when this answer replays an earlier request with the same idempotency key. */
      readonly replayed: boolean;
    }
  | { readonly kind: "confirmation_required"; readonly tag: Tag; readonly count: number };

/** An `applied` answer: what `Tags.recordApplication` stores and an idempotency key replays. */
export type AppliedTag = Extract<TagApplyResult, { readonly kind: "applied" }>;

/** What `Tags.lockApplication` read under its lock: the tag, the customer's count, the channel. */
export interface LockedTagApplication {
  readonly tag: Tag;
  /** The customer's count of the tag (0 when never applied or removed since, T5). */
  readonly count: number;
  /** The conversation's channel, or null when the request names no conversation. */
  readonly channel: Channel | null;
}

/** What `Tags.lockRemoval` read under its lock. */
export interface LockedTagRemoval {
  readonly tag: Tag;
  /** The customer's count of the tag; 0 when it is not on the customer. */
  readonly count: number;
}

/**
 * Team tags and their applications (T1–T8). The use cases decide; these methods lock and
 * read, or write what was decided. Run them inside `Transactions.withTransaction`: a lock
 * holds until the transaction ends.
 */
export class Tags extends Context.Tag("customer-panel/Tags")<
  Tags,
  {
    /**
     * T8: takes the team's idempotency key's lock (requests with one key take turns, so a
     * retry racing its original waits for it) and reads the answer first given under it,
     * with its fingerprint; null when the key is new.
     */
    readonly rememberedApplication: (
      teamId: TeamId,
      idempotencyKey: string,
    ) => Effect.Effect<RememberedAnswer<AppliedTag> | null>;
    /**
     * In one step: checks the customer, and the conversation as that customer's (X2); finds
     * the team tag by key or creates it with `newTagId` (T3); locks the customer's state of
     * the tag and reads its count. NotFound for a missing/foreign customer, or a conversation
     * not of that customer; nothing is written then.
     */
    readonly lockApplication: (
      request: TagApplyRequest,
    ) => Effect.Effect<LockedTagApplication, NotFound>;
    /**
     * In one step: appends the application (T7), stores the customer's new count, and, when
     * the request has an idempotency key, remembers `applied` as its first answer (T8).
     */
    readonly recordApplication: (
      request: TagApplyRequest,
      applied: AppliedTag,
    ) => Effect.Effect<void>;
    /** Locks the customer's state of the team tag and reads it; NotFound for customer or tag. */
    readonly lockRemoval: (
      teamId: TeamId,
      customerId: CustomerId,
      tagId: TagId,
    ) => Effect.Effect<LockedTagRemoval, NotFound>;
    /** T5: the customer's count of the tag restarts; the applications stay. */
    readonly recordRemoval: (
      teamId: TeamId,
      customerId: CustomerId,
      tagId: TagId,
    ) => Effect.Effect<void>;
    /**
     * T2 candidates whose key contains `queryKey` (LIKE wildcards taken literally),
     * ordered as `rankSuggestions` orders them — prefix matches first, then uses — BEFORE
     * the limit, or the limit could cut off the best matches. `uses` counts every
     * application of the tag in the team.
     */
    readonly suggest: (
      teamId: TeamId,
      queryKey: string,
      limit: number,
    ) => Effect.Effect<readonly SuggestionCandidate[]>;
    /** T6: applications per tag to the customer, inside `range` when given; NotFound for the customer. */
    readonly frequency: (
      teamId: TeamId,
      customerId: CustomerId,
      range: InstantRange | null,
    ) => Effect.Effect<readonly TagFrequency[], NotFound>;
  }
>() {}

/** Streams report rows (R2, R3); memory must not depend on the number of rows. */
export class TagReports extends Context.Tag("customer-panel/TagReports")<
  TagReports,
  {
    /** R2: per tag, applications in the range and distinct customers tagged. */
    readonly stats: (teamId: TeamId, range: InstantRange) => AsyncIterable<TagStatsRow>;
    /**
     * R3: one row per application in the range, oldest first, in batches (one await per batch,
     * not per row: a 30-day report is hundreds of thousands of rows). An empty batch is allowed.
     */
    readonly records: (
      teamId: TeamId,
      range: InstantRange,
    ) => AsyncIterable<readonly TagRecordRow[]>;
  }
>() {}

// ——— conversations ———

/** A search hit (L9): what deletion must remove. */
export interface SearchHit {
  readonly conversationId: ConversationId;
  readonly customerId: CustomerId;
  readonly customerName: string;
  readonly channel: Channel;
  /** The matching message text, or null when the name matched. */
  readonly snippet: string | null;
}

/** What a deletion erased (B5): counts only, never content. */
export interface DeletionReceipt {
  readonly conversationId: ConversationId;
  readonly deletedAt: Date;
  readonly deletedBy: Author;
  readonly messages: number;
  readonly events: number;
  readonly pendingExports: number;
  /** True when the conversation had already been deleted; this answers the first receipt. */
  readonly alreadyDeleted: boolean;
}

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

// ——— ingestion ———

/** An inbound or outbound message as an integration delivers it. */
export interface IncomingMessage {
  readonly teamId: TeamId;
  readonly channel: Channel;
  readonly externalUserId: string;
  readonly sender: SenderType;
  readonly content: string;
  readonly sentAt: Date;
  readonly agent: Pick<Member, "id" | "name"> | null;
  /** Profile for a customer created by this message. */
  readonly newCustomer: Pick<Profile, "displayName" | "phone">;
  readonly waId: string | null;
  readonly businessScopedId: string | null;
  /**
   * The channel's own message id and what it stands for: a message stored with this id in the
   * sender's conversation is answered again instead of stored twice; a different message with
   * it is IdempotencyKeyReused. Absent or null: no idempotency.
   */
  readonly idempotency?: { readonly key: string; readonly fingerprint: string } | null;
}

/** Where an ingested message landed. */
export interface IngestedMessage {
  readonly messageId: MessageId;
  readonly conversationId: ConversationId;
  readonly customerId: CustomerId;
  readonly createdConversation: boolean;
  /** True when this answers a retry of a message already stored (its first answer). */
  readonly replayed: boolean;
}

/** What `Ingestion.lockSender` found or created for a message's sender. */
export interface LockedSender {
  readonly identityId: IdentityId;
  readonly customerId: CustomerId;
  /** The sender's conversation, locked until the transaction ends; null before its first message. */
  readonly conversation: {
    readonly id: ConversationId;
    readonly active: boolean;
    readonly state: Conversation["state"];
    readonly assigneeId: MemberId | null;
  } | null;
}

/**
 * Everything integrations push in. For a message or a presence the use case decides; these
 * methods lock and read, or write what was decided, inside `Transactions.withTransaction`.
 */
export class Ingestion extends Context.Tag("customer-panel/Ingestion")<
  Ingestion,
  {
    /**
     * Finds or creates the sender's customer and identity (once, even under concurrency: the
     * sender's lock comes first) and locks the sender's conversation. A `waId` or business-scoped
     * id first known now is stored on the identity (P3).
     */
    readonly lockSender: (message: IncomingMessage) => Effect.Effect<LockedSender>;
    /**
     * The answer first given to a message stored with this channel message id in the
     * conversation, with its fingerprint; null when none is. Call it under `lockSender`'s lock,
     * so retries take turns and the second finds what the first stored.
     */
    readonly rememberedMessage: (
      teamId: TeamId,
      conversationId: ConversationId,
      key: string,
    ) => Effect.Effect<RememberedAnswer<IngestedMessage> | null>;
    /**
     * Stores the message with the decided state (L5/E2): creates the sender's conversation
     * when it has none, else updates it; appends the decision's log entries, and remembers the
     * message's idempotency key with it.
     */
    readonly recordMessage: (
      message: IncomingMessage,
      sender: LockedSender,
      decision: StateDecision,
    ) => Effect.Effect<{ readonly messageId: MessageId; readonly conversationId: ConversationId }>;
    /**
     * L6: locks the team's webchat visitor's conversation and reads it; NotFound("conversation")
     * when the team has no such visitor. The presence is written with `Conversations.recordUpdate`.
     */
    readonly lockVisitorConversation: (
      teamId: TeamId,
      visitorId: string,
    ) => Effect.Effect<Conversation, NotFound>;
    /** L1/L4: records that an identity completed identity binding to a website member. */
    readonly identityBound: (
      teamId: TeamId,
      identity: { readonly channel: Channel; readonly externalUserId: string },
      websiteMemberId: string,
      at: Date,
    ) => Effect.Effect<Identity, NotFound>;
    /** L2: upserts orders by id and replaces the cart of a website member. */
    readonly commerce: (
      teamId: TeamId,
      websiteMemberId: string,
      orders: readonly Omit<Order, "customerId">[],
      cart:
        | {
            readonly currency: string;
            readonly items: readonly OrderItem[];
            readonly updatedAt: Date;
          }
        | null
        | undefined,
    ) => Effect.Effect<{ readonly orders: number }>;
    /** O1: records an OMO binding for the customer of an identity. */
    readonly omoBound: (
      teamId: TeamId,
      identity: { readonly channel: Channel; readonly externalUserId: string },
      omoMemberId: string,
      at: Date,
    ) => Effect.Effect<OmoBinding, NotFound>;
  }
>() {}

/** OMO bindings (O2). */
export class Omo extends Context.Tag("customer-panel/Omo")<
  Omo,
  {
    /** Removes the customer's binding and logs it on the conversation; false when there was none. */
    readonly unbind: (
      teamId: TeamId,
      customerId: CustomerId,
      log: { readonly conversationId: ConversationId; readonly author: Author; readonly at: Date },
    ) => Effect.Effect<boolean>;
  }
>() {}

// ——— exports ———

/** A queued email export (outbox row). */
export interface EmailExportJob {
  readonly exportId: string;
  readonly teamId: TeamId;
  readonly conversationId: ConversationId;
  readonly to: string;
  readonly requestedBy: Author;
  readonly requestedAt: Date;
  /** The attachment's format; absent means CSV. */
  readonly attachment?: "csv" | "xlsx";
}

/** The email export outbox: written in the request's transaction, delivered by a worker. */
export class ExportOutbox extends Context.Tag("customer-panel/ExportOutbox")<
  ExportOutbox,
  {
    /**
     * Queues a job, or refuses writing nothing: RateLimited when the team's export limit is
     * spent; NotFound when the conversation is not the team's — including one a concurrent
     * delete erased first (issue 14 C), so the request answers like a missing id.
     */
    readonly enqueue: (job: EmailExportJob) => Effect.Effect<void, RateLimited | NotFound>;
  }
>() {}

/** An email's attachment: CSV text chunks (BOM first), or an XLSX workbook's parts to zip. */
export type EmailAttachment =
  | { readonly fileName: string; readonly content: AsyncIterable<string> }
  | { readonly fileName: string; readonly workbook: XlsxWorkbook };

/** An email with one export attached (CSV or XLSX). */
export interface CsvEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly attachment: EmailAttachment;
  /**
   * A stable id of what the email carries (an email export's id): the same on every
   * attempt, so a mailer gives every attempt one Message-ID and a receiver can drop a
   * second copy. Absent: each email is new.
   */
  readonly reference?: string;
}

/** Sends email (SMTP, a file for the demo, …). */
export class Mailer extends Context.Tag("customer-panel/Mailer")<
  Mailer,
  {
    /** Sends one email; fails with the transport's error. */
    readonly send: (email: CsvEmail) => Effect.Effect<void, Error>;
  }
>() {}

// ——— live changes ———

/** A change members of the team may want to see at once (B6). */
export interface PanelChange {
  readonly teamId: TeamId;
  readonly conversationId: ConversationId | null;
  readonly customerId: CustomerId | null;
  readonly kind: PanelChangeKind;
  readonly at: Date;
}

/** Publishes panel changes to subscribers (PostgreSQL NOTIFY, in-process for tests). */
export class ChangeFeed extends Context.Tag("customer-panel/ChangeFeed")<
  ChangeFeed,
  {
    /** Publishes after the change committed; best effort (a reload shows the truth). */
    readonly publish: (change: PanelChange) => Effect.Effect<void>;
  }
>() {}

// ——— ids ———

/** New ids for what the use cases create. */
export class IdSource extends Context.Tag("customer-panel/IdSource")<
  IdSource,
  {
    /** A fresh UUID. */
    readonly uuid: Effect.Effect<string>;
  }
>() {}

// ——— navigation (N1, N2) ———

export { type ConversationPage, type ConversationSummary, Navigation } from "./ports/navigation.js";
