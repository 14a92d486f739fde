import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

/**
 * The panel's tables (entry `@customer-panel/db/schema`, for this repository's apps
 * and tools that seed or read tables directly: its columns change with the migrations
 * of the same version, so other code reaches the data through core's ports,
 * `databaseLayer`, instead). Every team-owned row carries `team_id`, and child rows
 * reference their parent by (team_id, id), so a row can never point into
 * another team even by a bug. Columns are camelCase here, snake_case in SQL
 * (the `casing` option, identical in drizzle.config.ts and at runtime).
 */

const createdAt = () => timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow();
const at = () => timestamp({ withTimezone: true, mode: "date" });

/** Tenants with their time zone and plan features. */
export const teams = pgTable("teams", {
  id: uuid().primaryKey(),
  name: text().notNull(),
  timeZone: text().notNull().default("Asia/Taipei"),
  featurePixel: boolean().notNull().default(false),
  featureOmo: boolean().notNull().default(false),
  featureConversationExport: boolean().notNull().default(false),
  createdAt: createdAt(),
});

/** Members of a team and their role. */
export const members = pgTable(
  "members",
  {
    id: uuid().primaryKey(),
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    name: text().notNull(),
    role: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    unique("members_team_id_id_key").on(t.teamId, t.id),
    check(
      "members_role_check",
      sql`${t.role} in ('admin','supervisor','cs_manager','cs_agent','sales_manager','sales')`,
    ),
  ],
);

/** P5: per-member panel preference. */
export const memberPreferences = pgTable(
  "member_preferences",
  {
    teamId: uuid().notNull(),
    memberId: uuid().notNull(),
    panelHidden: boolean().notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.memberId] }),
    foreignKey({
      columns: [t.teamId, t.memberId],
      foreignColumns: [members.teamId, members.id],
    }).onDelete("cascade"),
  ],
);

/** Credentials: integration API keys and member bearer tokens, stored as SHA-256 hashes only. */
export const credentials = pgTable(
  "credentials",
  {
    id: uuid().primaryKey(),
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    kind: text().notNull(),
    /** The member a bearer token signs in (null for an integration key). */
    memberId: uuid(),
    /** What the member works from with this token: web or app. */
    client: text(),
    secretHash: text().notNull().unique(),
    label: text().notNull().default(""),
    createdAt: createdAt(),
    revokedAt: at(),
  },
  (t) => [
    check("credentials_kind_check", sql`${t.kind} in ('member','integration')`),
    check(
      "credentials_member_check",
      sql`(${t.kind} = 'integration' and ${t.memberId} is null) or (${t.kind} = 'member' and ${t.memberId} is not null and ${t.client} in ('web','app','api'))`,
    ),
    foreignKey({
      columns: [t.teamId, t.memberId],
      foreignColumns: [members.teamId, members.id],
    }).onDelete("cascade"),
  ],
);

/** End customers and their editable profile (P1–P4). */
export const customers = pgTable(
  "customers",
  {
    id: uuid().primaryKey(),
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    displayName: text().notNull(),
    email: text(),
    phone: text(),
    note: text(),
    /** P4: website member id tracked by the pixel. */
    memberId: text(),
    createdAt: createdAt(),
  },
  (t) => [
    unique("customers_team_id_id_key").on(t.teamId, t.id),
    // L1/L3: webchat conversations found by the pixel member id.
    index("customers_team_member_idx").on(t.teamId, t.memberId),
    // L9 search by name, any script (pg_trgm; see the extensions migration).
    index("customers_display_name_trgm_idx").using("gin", t.displayName.op("gin_trgm_ops")),
  ],
);

/** A customer's account on one channel. */
export const identities = pgTable(
  "identities",
  {
    id: uuid().primaryKey(),
    teamId: uuid().notNull(),
    customerId: uuid().notNull(),
    channel: text().notNull(),
    externalId: text().notNull(),
    waId: text(),
    businessScopedId: text(),
    /** L1/L4: the website member this identity completed binding to. */
    websiteMemberId: text(),
    boundAt: at(),
    createdAt: createdAt(),
  },
  (t) => [
    // One identity per channel account: concurrent first messages create it once.
    unique("identities_team_channel_external_key").on(t.teamId, t.channel, t.externalId),
    unique("identities_team_id_id_key").on(t.teamId, t.id),
    foreignKey({
      columns: [t.teamId, t.customerId],
      foreignColumns: [customers.teamId, customers.id],
    }).onDelete("cascade"),
    index("identities_customer_idx").on(t.customerId),
    // L1: identities bound to one website member.
    index("identities_team_website_member_idx").on(t.teamId, t.websiteMemberId),
    check(
      "identities_channel_check",
      sql`${t.channel} in ('line','facebook','instagram','whatsapp','webchat')`,
    ),
  ],
);

/** One conversation per identity, with its state, status, presence and last export. */
export const conversations = pgTable(
  "conversations",
  {
    id: uuid().primaryKey(),
    teamId: uuid().notNull(),
    customerId: uuid().notNull(),
    identityId: uuid().notNull().unique(),
    channel: text().notNull(),
    state: text().notNull().default("pending"),
    active: boolean().notNull().default(true),
    assigneeId: uuid(),
    presenceOnline: boolean().notNull().default(false),
    presencePageUrl: text(),
    presencePageTitle: text(),
    presenceSince: at(),
    lastExportedAt: at(),
    lastMessageAt: at(),
    createdAt: createdAt(),
  },
  (t) => [
    unique("conversations_team_id_id_key").on(t.teamId, t.id),
    foreignKey({
      columns: [t.teamId, t.customerId],
      foreignColumns: [customers.teamId, customers.id],
    }).onDelete("cascade"),
    foreignKey({
      columns: [t.teamId, t.identityId],
      foreignColumns: [identities.teamId, identities.id],
    }).onDelete("cascade"),
    foreignKey({ columns: [t.teamId, t.assigneeId], foreignColumns: [members.teamId, members.id] }),
    index("conversations_customer_idx").on(t.customerId),
    check("conversations_state_check", sql`${t.state} in ('pending','in_progress','closed')`),
    // L6: only webchat has a page; an offline conversation keeps no link.
    check(
      "conversations_presence_check",
      sql`${t.presencePageUrl} is null or (${t.presenceOnline} and ${t.channel} = 'webchat')`,
    ),
  ],
);

/** Messages of a conversation. */
export const messages = pgTable(
  "messages",
  {
    id: uuid().primaryKey(),
    teamId: uuid().notNull(),
    conversationId: uuid().notNull(),
    sender: text().notNull(),
    agentId: uuid(),
    agentName: text(),
    content: text().notNull(),
    sentAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    /** Arrival order: a bot's reply often carries the same instant as the message it answers. */
    seq: bigint({ mode: "number" }).generatedAlwaysAsIdentity(),
    /** The channel's own id of the message (ingest idempotency), when the integration sent it. */
    externalMessageId: text(),
    /** What `externalMessageId` stands for (sender, content, agent, sent time), to refuse reuse. */
    requestFingerprint: text(),
  },
  (t) => [
    foreignKey({
      columns: [t.teamId, t.conversationId],
      foreignColumns: [conversations.teamId, conversations.id],
    }).onDelete("cascade"),
    // L7 transcript in order (time, then arrival), read in keyset batches.
    index("messages_conversation_sent_seq_idx").on(t.conversationId, t.sentAt, t.seq),
    // L9 search by message text, any script.
    index("messages_content_trgm_idx").using("gin", t.content.op("gin_trgm_ops")),
    check("messages_sender_check", sql`${t.sender} in ('bot','customer','agent')`),
    // A channel message id is stored once per conversation (= per team and channel identity).
    uniqueIndex("messages_conversation_external_id_idx")
      .on(t.conversationId, t.externalMessageId)
      .where(sql`${t.externalMessageId} is not null`),
  ],
);

/** E1/E2: the conversation's event log. */
export const conversationEvents = pgTable(
  "conversation_events",
  {
    id: uuid().primaryKey(),
    teamId: uuid().notNull(),
    conversationId: uuid().notNull(),
    type: text().notNull(),
    /** The kind-specific fields (from/to state, assignee, export format). */
    detail: jsonb().notNull().default({}),
    memberId: uuid(),
    memberName: text(),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    /** Insertion order, for a total order among entries of the same instant. */
    seq: bigint({ mode: "number" }).generatedAlwaysAsIdentity(),
  },
  (t) => [
    foreignKey({
      columns: [t.teamId, t.conversationId],
      foreignColumns: [conversations.teamId, conversations.id],
    }).onDelete("cascade"),
    // E1: newest first, keyset-paged.
    index("conversation_events_conversation_seq_idx").on(t.conversationId, t.seq),
  ],
);

/** T1: team tags, unique per team on the case-folded key. */
export const tags = pgTable(
  "tags",
  {
    id: uuid().primaryKey(),
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    name: text().notNull(),
    key: text().notNull(),
    /** T2 popularity: applications of the tag in the team, kept by the apply transaction. */
    uses: bigint({ mode: "number" }).notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    unique("tags_team_key_key").on(t.teamId, t.key),
    unique("tags_team_id_id_key").on(t.teamId, t.id),
    // T2: substring match on the key.
    index("tags_key_trgm_idx").using("gin", t.key.op("gin_trgm_ops")),
    // T2: prefix match on the key (C collation: byte order, so LIKE 'q%' uses it).
    index("tags_team_key_prefix_idx").on(t.teamId, t.key.op("text_pattern_ops")),
  ],
);

/** T4/T5: a tag as it stands on a customer — applications since it was last removed. */
export const customerTags = pgTable(
  "customer_tags",
  {
    teamId: uuid().notNull(),
    customerId: uuid().notNull(),
    tagId: uuid().notNull(),
    count: integer().notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.customerId, t.tagId] }),
    foreignKey({
      columns: [t.teamId, t.customerId],
      foreignColumns: [customers.teamId, customers.id],
    }).onDelete("cascade"),
    foreignKey({ columns: [t.teamId, t.tagId], foreignColumns: [tags.teamId, tags.id] }).onDelete(
      "cascade",
    ),
    check("customer_tags_count_check", sql`${t.count} >= 0`),
  ],
);

/** T7: every application, append-only — the history reports and frequency count. */
export const tagApplications = pgTable(
  "tag_applications",
  {
    id: uuid().primaryKey(),
    teamId: uuid().notNull(),
    customerId: uuid().notNull(),
    tagId: uuid().notNull(),
    appliedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    channel: text(),
    /** Set null when the conversation is deleted (B5); the application itself stays (T5). */
    conversationId: uuid(),
    method: text().notNull(),
    memberId: uuid(),
  },
  (t) => [
    foreignKey({
      columns: [t.teamId, t.customerId],
      foreignColumns: [customers.teamId, customers.id],
    }).onDelete("cascade"),
    foreignKey({ columns: [t.teamId, t.tagId], foreignColumns: [tags.teamId, tags.id] }).onDelete(
      "cascade",
    ),
    foreignKey({ columns: [t.conversationId], foreignColumns: [conversations.id] }).onDelete(
      "set null",
    ),
    // R2/R3: a team's applications in a time range. Migration 0008 adds INCLUDE (tag_id,
    // customer_id), which drizzle's index builder can not express: the stats aggregate reads
    // the window from the index alone (issue 19, years of history).
    index("tag_applications_team_applied_idx").on(t.teamId, t.appliedAt, t.id),
    // T6: one customer's applications per tag.
    index("tag_applications_customer_tag_idx").on(t.customerId, t.tagId, t.appliedAt),
    index("tag_applications_conversation_idx").on(t.conversationId),
    check(
      "tag_applications_method_check",
      sql`${t.method} in ('manual','auto_reply','broadcast','automation','api','import')`,
    ),
  ],
);

/** T8: the first answer to each idempotency key, per team. */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    key: text().notNull(),
    fingerprint: text().notNull(),
    applicationId: uuid().notNull(),
    result: jsonb().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.key] })],
);

/** L2: orders of website members, upserted by the shop's order id. */
export const orders = pgTable(
  "orders",
  {
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    orderId: text().notNull(),
    websiteMemberId: text().notNull(),
    placedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    currency: text().notNull(),
    total: bigint({ mode: "number" }).notNull(),
    items: jsonb().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.orderId] }),
    // L2: a member's orders of the last 90 days, newest first.
    index("orders_team_member_placed_idx").on(t.teamId, t.websiteMemberId, t.placedAt),
  ],
);

/** L2: each website member's current cart. */
export const carts = pgTable(
  "carts",
  {
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    websiteMemberId: text().notNull(),
    currency: text().notNull(),
    items: jsonb().notNull(),
    updatedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.websiteMemberId] })],
);

/** O1: a customer's OMO membership binding. */
export const omoBindings = pgTable(
  "omo_bindings",
  {
    teamId: uuid().notNull(),
    customerId: uuid().notNull(),
    omoMemberId: text().notNull(),
    boundAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.customerId] }),
    foreignKey({
      columns: [t.teamId, t.customerId],
      foreignColumns: [customers.teamId, customers.id],
    }).onDelete("cascade"),
  ],
);

/** P6/B4: profile edits with their field diff. */
export const profileAudit = pgTable(
  "profile_audit",
  {
    id: uuid().primaryKey(),
    teamId: uuid().notNull(),
    customerId: uuid().notNull(),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    memberId: uuid(),
    memberName: text(),
    changes: jsonb().notNull(),
  },
  (t) => [
    foreignKey({
      columns: [t.teamId, t.customerId],
      foreignColumns: [customers.teamId, customers.id],
    }).onDelete("cascade"),
    index("profile_audit_customer_idx").on(t.customerId, t.at),
  ],
);

/**
 * B4/B5: what a deletion erased — ids and counts, never content. It outlives the
 * conversation on purpose (the receipt), so it has no foreign key to it.
 */
export const deletionTombstones = pgTable(
  "deletion_tombstones",
  {
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    erasedConversationId: uuid().notNull(),
    deletedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    deletedByMemberId: uuid(),
    deletedByName: text(),
    messages: integer().notNull(),
    events: integer().notNull(),
    pendingExports: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.erasedConversationId] })],
);

/** L7: the email export outbox, written in the request's transaction, drained by a worker. */
export const emailExports = pgTable(
  "email_exports",
  {
    id: uuid().primaryKey(),
    teamId: uuid().notNull(),
    conversationId: uuid().notNull(),
    recipient: text().notNull(),
    requestedByMemberId: uuid(),
    requestedByName: text(),
    requestedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    /** The attachment's format: `csv` or `xlsx` (issue 20). */
    attachmentFormat: text().notNull().default("csv"),
    status: text().notNull().default("pending"),
    attempts: integer().notNull().default(0),
    /** A worker's claim: until then no other worker takes the job (one send per export). */
    claimedUntil: at(),
    lastError: text(),
    sentAt: at(),
  },
  (t) => [
    foreignKey({
      columns: [t.teamId, t.conversationId],
      foreignColumns: [conversations.teamId, conversations.id],
    }).onDelete("cascade"),
    index("email_exports_pending_idx").on(t.status, t.requestedAt),
    check("email_exports_status_check", sql`${t.status} in ('pending','sent','failed')`),
    check("email_exports_attachment_format_check", sql`${t.attachmentFormat} in ('csv','xlsx')`),
  ],
);

/**
 * B6: the resumable log of live panel changes — ids and kinds only, never content.
 * `deleted` is never stored (B5: the id must not outlive its conversation), and the
 * foreign key cascades a conversation's changes away with it — and refuses a change
 * published for a conversation a concurrent delete already erased.
 */
export const panelChanges = pgTable(
  "panel_changes",
  {
    id: bigint({ mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    conversationId: uuid(),
    customerId: uuid(),
    kind: text().notNull(),
    at: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [
    foreignKey({
      columns: [t.teamId, t.conversationId],
      foreignColumns: [conversations.teamId, conversations.id],
    }).onDelete("cascade"),
    // B6 resume: a team's changes after the last id a subscriber saw.
    index("panel_changes_team_id_idx").on(t.teamId, t.id),
    // The cascade of a conversation delete finds its changes without a scan.
    index("panel_changes_conversation_idx").on(t.conversationId),
    check(
      "panel_changes_kind_check",
      sql`${t.kind} in ('presence','profile','tags','status','state','message','exported','omo')`,
    ),
  ],
);

/**
 * Issue 14: a team's recent exports, the one export limit shared by every server process.
 * A take deletes the team's takes older than the window first, so a team holds at most
 * `limit` rows.
 */
export const exportTakes = pgTable(
  "export_takes",
  {
    teamId: uuid()
      .notNull()
      .references(() => teams.id, { onDelete: "cascade" }),
    takenAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("export_takes_team_taken_idx").on(t.teamId, t.takenAt)],
);

/**
 * Issue 14: download links. The URL carries 32 random bytes; only their SHA-256 is stored,
 * with who made the link, with which credential, for what, until when and how often it was
 * used. Removing the member or the credential removes the link (cascade).
 */
export const downloadLinks = pgTable(
  "download_links",
  {
    tokenHash: text().primaryKey(),
    teamId: uuid().notNull(),
    memberId: uuid().notNull(),
    /** The credential that made the link; revoking it ends the link (null: a host without credentials). */
    credentialId: uuid().references(() => credentials.id, { onDelete: "cascade" }),
    client: text().notNull(),
    request: jsonb().notNull(),
    fileName: text().notNull(),
    expiresAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    uses: integer().notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({
      columns: [t.teamId, t.memberId],
      foreignColumns: [members.teamId, members.id],
    }).onDelete("cascade"),
    // Expired links are swept oldest first.
    index("download_links_expires_idx").on(t.expiresAt),
  ],
);
