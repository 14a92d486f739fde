import type { Action } from "@customer-panel/core";
import type { IdentityRef, Partners } from "./sweep-world.js";

/**
 * How the sweep calls each procedure of the router. Keyed by path: the sweep derives
 * the procedure list from the router, and a procedure missing here fails it.
 *
 * - `ids`: inputs with uuid fields. Each field is swept in turn with every id of team A
 *   (and a random uuid); the other fields take a partner — B's own related id (so the
 *   swept id is the only foreign thing) or A's (so a whole foreign pair is tried).
 * - `external`: integration inputs that name A's channel accounts instead of uuids.
 * - `once`: no id at all; called once, and must answer only B's data.
 */

/** A uuid-typed input field. */
export type IdField = keyof Partners;

/** One way to call a procedure with ids. */
export interface IdVariant {
  readonly name: string;
  readonly fields: readonly IdField[];
  readonly input: (ids: Partners) => unknown;
}

/** What one procedure takes, and who may call it. */
export type SweepCase =
  | {
      readonly by: "member" | "integration";
      readonly shape: "ids";
      /** The matrix action (member procedures); null when the matrix does not decide it. */
      readonly action: Action | null;
      readonly variants: readonly IdVariant[];
    }
  | {
      readonly by: "integration";
      readonly shape: "external";
      readonly input: (ref: ExternalRef) => unknown;
      /** What a call answers when nothing of B matches (an upsert answers its receipt). */
      readonly answers: "NOT_FOUND" | "ok";
    }
  | {
      readonly by: "member";
      readonly shape: "once";
      readonly action: Action;
      readonly input: unknown;
    };

/** An external name of team A (or a random one): an identity and a website member id. */
export interface ExternalRef {
  readonly identity: IdentityRef;
  readonly websiteMemberId: string;
}

const one = (field: IdField, input: IdVariant["input"]): IdVariant[] => [
  { name: field, fields: [field], input },
];
const TODAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Taipei" }).format(new Date());

/** Every procedure of the router. */
export const SWEEP_CASES: Readonly<Record<string, SweepCase>> = {
  "panel.get": {
    by: "member",
    shape: "ids",
    action: "panel.view",
    variants: one("conversationId", (i) => ({ conversationId: i.conversationId })),
  },
  // The subscription filters by the caller's team; the matrix does not decide it.
  "panel.onChange": {
    by: "member",
    shape: "ids",
    action: null,
    variants: one("conversationId", (i) => ({
      conversationId: i.conversationId,
      lastEventId: "0",
    })),
  },
  "profile.update": {
    by: "member",
    shape: "ids",
    action: "profile.edit",
    variants: one("customerId", (i) => ({ customerId: i.customerId, note: "B 寫的備註" })),
  },
  "preferences.setPanelHidden": {
    by: "member",
    shape: "once",
    action: "preferences.setPanelHidden",
    input: { hidden: false },
  },
  "events.list": {
    by: "member",
    shape: "ids",
    action: "events.view",
    variants: one("conversationId", (i) => ({ conversationId: i.conversationId })),
  },
  "tags.suggest": { by: "member", shape: "once", action: "tags.suggest", input: { query: "" } },
  "tags.apply": {
    by: "member",
    shape: "ids",
    action: "tags.apply",
    variants: [
      {
        name: "customer and conversation",
        fields: ["customerId", "conversationId"],
        input: (i) => ({
          customerId: i.customerId,
          conversationId: i.conversationId,
          name: "B 標籤",
          confirm: true,
        }),
      },
    ],
  },
  "tags.remove": {
    by: "member",
    shape: "ids",
    action: "tags.remove",
    variants: [
      {
        name: "customer and tag",
        fields: ["customerId", "tagId"],
        input: (i) => ({ customerId: i.customerId, tagId: i.tagId }),
      },
    ],
  },
  "tags.frequency": {
    by: "member",
    shape: "ids",
    action: "tags.frequency",
    variants: one("customerId", (i) => ({ customerId: i.customerId })),
  },
  "tagReports.stats": {
    by: "member",
    shape: "once",
    action: "tagReports.export",
    input: { from: TODAY, to: TODAY },
  },
  "tagReports.records": {
    by: "member",
    shape: "once",
    action: "tagReports.export",
    input: { from: TODAY, to: TODAY },
  },
  "conversations.setStatus": {
    by: "member",
    shape: "ids",
    action: "conversations.setStatus",
    variants: one("conversationId", (i) => ({ conversationId: i.conversationId, active: false })),
  },
  "conversations.changeState": {
    by: "member",
    shape: "ids",
    action: "conversations.changeState",
    variants: [
      {
        name: "close",
        fields: ["conversationId"],
        input: (i) => ({ conversationId: i.conversationId, command: "close" }),
      },
      {
        name: "assign",
        fields: ["conversationId", "memberId"],
        input: (i) => ({
          conversationId: i.conversationId,
          command: "assign",
          assigneeId: i.memberId,
        }),
      },
    ],
  },
  "conversations.export": {
    by: "member",
    shape: "ids",
    action: "conversations.export",
    variants: [
      {
        name: "csv",
        fields: ["conversationId"],
        input: (i) => ({ conversationId: i.conversationId, format: "csv" }),
      },
      {
        name: "email",
        fields: ["conversationId"],
        input: (i) => ({ conversationId: i.conversationId, format: "email", to: "b@b.example" }),
      },
    ],
  },
  "conversations.delete": {
    by: "member",
    shape: "ids",
    action: "conversations.delete",
    variants: one("conversationId", (i) => ({ conversationId: i.conversationId })),
  },
  "conversations.search": {
    by: "member",
    shape: "once",
    action: "conversations.search",
    input: { query: "訂單" },
  },
  "conversations.list": {
    by: "member",
    shape: "once",
    action: "conversations.list",
    input: {},
  },
  "members.list": {
    by: "member",
    shape: "once",
    action: "members.list",
    input: {},
  },
  "omo.unbind": {
    by: "member",
    shape: "ids",
    action: "omo.unbind",
    variants: one("conversationId", (i) => ({ conversationId: i.conversationId })),
  },
  // The agent is the swept id; the identity is B's own, so a refusal must come first.
  "ingest.message": {
    by: "integration",
    shape: "ids",
    action: null,
    variants: one("memberId", (i) => ({
      identity: { channel: "line", externalUserId: "U-line-b-0001" },
      sender: "agent",
      agentId: i.memberId,
      content: "B 的客服回覆",
    })),
  },
  "ingest.pageVisit": {
    by: "integration",
    shape: "external",
    answers: "NOT_FOUND",
    input: (r) => ({ visitorId: r.identity.externalUserId, pageUrl: "https://b.example/" }),
  },
  "ingest.pageClosed": {
    by: "integration",
    shape: "external",
    answers: "NOT_FOUND",
    input: (r) => ({ visitorId: r.identity.externalUserId }),
  },
  "ingest.memberLogin": {
    by: "integration",
    shape: "external",
    answers: "NOT_FOUND",
    input: (r) => ({ visitorId: r.identity.externalUserId, websiteMemberId: r.websiteMemberId }),
  },
  "ingest.identityBound": {
    by: "integration",
    shape: "external",
    answers: "NOT_FOUND",
    input: (r) => ({ identity: r.identity, websiteMemberId: r.websiteMemberId }),
  },
  // An upsert of nothing: it answers its receipt and must write nothing.
  "ingest.orders": {
    by: "integration",
    shape: "external",
    answers: "ok",
    input: (r) => ({ websiteMemberId: r.websiteMemberId, orders: [] }),
  },
  "ingest.omoBinding": {
    by: "integration",
    shape: "external",
    answers: "NOT_FOUND",
    input: (r) => ({ identity: r.identity, omoMemberId: "omo-b-0001" }),
  },
  "ingest.tag": {
    by: "integration",
    shape: "ids",
    action: null,
    variants: [
      {
        name: "customer and conversation",
        fields: ["customerId", "conversationId"],
        input: (i) => ({
          customerId: i.customerId,
          conversationId: i.conversationId,
          name: "B 標籤",
          method: "automation",
        }),
      },
    ],
  },
};
