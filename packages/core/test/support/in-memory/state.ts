import type { ProfileAuditEntry } from "../../../src/adapter.js";
import type {
  Author,
  Cart,
  Conversation,
  ConversationEvent,
  ConversationId,
  Customer,
  CustomerId,
  DeletionReceipt,
  EmailExportJob,
  Identity,
  IdentityId,
  IngestedMessage,
  Member,
  MemberId,
  Message,
  OmoBinding,
  Order,
  PanelChange,
  RememberedAnswer,
  Tag,
  TagApplication,
  TagApplyResult,
  TagId,
  Team,
  TeamId,
} from "../../../src/index.js";

/**
 * The in-memory adapter's whole world, as plain maps and arrays so tests can
 * inspect (and snapshot with `structuredClone`) exactly what was stored.
 */

/** An order as stored: the website member's, not yet tied to a customer (L2). */
export type StoredOrder = Omit<Order, "customerId"> & { readonly teamId: TeamId };

/** A cart as stored, keyed by the website member it belongs to (L2). */
export type StoredCart = Omit<Cart, "customerId"> & {
  readonly teamId: TeamId;
  readonly websiteMemberId: string;
};

/** One remembered idempotent answer (T8). */
export interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly result: Extract<TagApplyResult, { kind: "applied" }>;
}

/** What a deletion left behind (B4): the receipt, never the content. */
export interface Tombstone {
  readonly teamId: TeamId;
  readonly receipt: DeletionReceipt;
}

/** An email the Mailer sent, with its attachment drained to text. */
export interface SentEmail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly fileName: string;
  readonly content: string;
}

/** Everything stored. Keys with two parts are joined by `|`. */
export interface InMemoryState {
  readonly teams: Map<TeamId, Team>;
  readonly members: Map<MemberId, Member>;
  readonly customers: Map<CustomerId, Customer>;
  readonly identities: Map<IdentityId, Identity>;
  readonly conversations: Map<ConversationId, Conversation>;
  /** In insertion order; the transcript sorts by `sentAt`. */
  readonly messages: Message[];
  /** Log entries with an insertion sequence (ties on `at` keep the order they were written). */
  readonly events: (ConversationEvent & { readonly seq: number })[];
  readonly tags: Map<TagId, Tag>;
  /** `customerId|tagId` → applications since the last removal (T4, T5). */
  readonly customerTags: Map<string, number>;
  /** Append-only (T7). */
  readonly applications: TagApplication[];
  /** `teamId|key` → the first applied answer (T8). */
  readonly idempotency: Map<string, IdempotencyRecord>;
  /** `conversationId|channel message id` → the first answer to that message. */
  readonly messageKeys: Map<string, RememberedAnswer<IngestedMessage>>;
  readonly audit: ProfileAuditEntry[];
  /** `teamId|conversationId` → tombstone (B5). */
  readonly tombstones: Map<string, Tombstone>;
  /** Pending email exports. */
  readonly outbox: EmailExportJob[];
  readonly sentEmails: SentEmail[];
  readonly changes: PanelChange[];
  /** `teamId|memberId` → panel hidden (P5). */
  readonly preferences: Map<string, { readonly panelHidden: boolean }>;
  /** `teamId|orderId` → order. */
  readonly orders: Map<string, StoredOrder>;
  /** `teamId|websiteMemberId` → cart. */
  readonly carts: Map<string, StoredCart>;
  /** customerId → binding (O1). */
  readonly omo: Map<CustomerId, OmoBinding & { readonly teamId: TeamId }>;
  /** Insertion counters (a database's serial columns). */
  readonly sequence: { events: number };
  /** Knobs a test turns, not stored data. */
  readonly control: { mailerFails: Error | null };
}

/** An empty world. */
export const emptyState = (): InMemoryState => ({
  teams: new Map(),
  members: new Map(),
  customers: new Map(),
  identities: new Map(),
  conversations: new Map(),
  messages: [],
  events: [],
  tags: new Map(),
  customerTags: new Map(),
  applications: [],
  idempotency: new Map(),
  messageKeys: new Map(),
  audit: [],
  tombstones: new Map(),
  outbox: [],
  sentEmails: [],
  changes: [],
  preferences: new Map(),
  orders: new Map(),
  carts: new Map(),
  omo: new Map(),
  sequence: { events: 0 },
  control: { mailerFails: null },
});

/** A two-part map key. */
export const key = (a: string, b: string): string => `${a}|${b}`;

/** Deterministic v4-shaped UUIDs: `00000000-0000-4000-<space>-<12-digit counter>`. */
export const makeUuids = (space: string) => {
  let n = 0;
  return (): string => {
    n += 1;
    return `00000000-0000-4000-${space}-${String(n).padStart(12, "0")}`;
  };
};

/** Stored author columns of a log entry. */
export const authorColumns = (author: Author) => ({
  memberId: author.memberId,
  memberName: author.memberName,
});

/** Replaces an entry of a map with an updated copy and returns the copy. */
export const replace = <K, V extends object>(
  map: Map<K, V>,
  id: K,
  current: V,
  patch: Partial<V>,
): V => {
  const next = { ...current, ...patch };
  map.set(id, next);
  return next;
};
