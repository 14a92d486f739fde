/** The closed vocabularies of the product (docs/spec.md, "Vocabulary"), each as a tuple and its union type. */

/** Roles a team member can hold. */
export const ROLES = [
  "admin",
  "supervisor",
  "cs_manager",
  "cs_agent",
  "sales_manager",
  "sales",
] as const;
/** A member's role (角色). */
export type Role = (typeof ROLES)[number];

/** Channels a customer can write from. */
export const CHANNELS = ["line", "facebook", "instagram", "whatsapp", "webchat"] as const;
/** A messaging channel (渠道). */
export type Channel = (typeof CHANNELS)[number];

/** Social channels: every channel but the website chat plugin. */
export const SOCIAL_CHANNELS = [
  "line",
  "facebook",
  "instagram",
  "whatsapp",
] as const satisfies readonly Channel[];

/** What a member works from. */
export const CLIENTS = ["web", "app", "api"] as const;
/** `web` desktop console, `app` mobile app, `api` server integration. */
export type Client = (typeof CLIENTS)[number];

/** Plan features a team may have. */
export const PLAN_FEATURES = ["pixel", "omo", "conversationExport"] as const;
/** A plan feature (方案). */
export type PlanFeature = (typeof PLAN_FEATURES)[number];

/** Conversation states (E2). */
export const CONVERSATION_STATES = ["pending", "in_progress", "closed"] as const;
/** `pending` 待處理, `in_progress` 處理中, `closed` 已結束. */
export type ConversationState = (typeof CONVERSATION_STATES)[number];

/** Who wrote a message (L7). */
export const SENDER_TYPES = ["bot", "customer", "agent"] as const;
/** `bot` auto-reply, `customer`, `agent` (a member). */
export type SenderType = (typeof SENDER_TYPES)[number];

/** How a tag got applied (T7). */
export const TAG_METHODS = [
  "manual",
  "auto_reply",
  "broadcast",
  "automation",
  "api",
  "import",
] as const;
/** The method of one tag application. */
export type TagMethod = (typeof TAG_METHODS)[number];

/** Default team time zone (X5). */
export const DEFAULT_TIME_ZONE = "Asia/Taipei";

/** The kinds of live change `panel.onChange` sends (B6): what a panel reloads. */
export const PANEL_CHANGE_KINDS = [
  "presence",
  "profile",
  "tags",
  "status",
  "state",
  "message",
  "deleted",
  "exported",
  "omo",
] as const;
/** The kind of one live change. */
export type PanelChangeKind = (typeof PANEL_CHANGE_KINDS)[number];
