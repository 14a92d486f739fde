import type {
  ConversationId,
  CredentialId,
  CustomerId,
  EventId,
  IdentityId,
  MemberId,
  MessageId,
  TagApplicationId,
  TagId,
  TeamId,
} from "./ids.js";
import type {
  Channel,
  Client,
  ConversationState,
  PlanFeature,
  Role,
  SenderType,
  TagMethod,
} from "./vocabulary.js";

/** A team's plan features. `conversationExport` is a special setting, off unless enabled. */
export type PlanFeatures = { readonly [F in PlanFeature]: boolean };

/** A tenant: one business account (團隊). */
export interface Team {
  readonly id: TeamId;
  readonly name: string;
  /** IANA time zone used for report windows and export times (X5). */
  readonly timeZone: string;
  readonly features: PlanFeatures;
}

/** A person of the team who works the inbox (成員). */
export interface Member {
  readonly id: MemberId;
  readonly teamId: TeamId;
  readonly name: string;
  readonly role: Role;
}

/** A signed-in member acting from a client; team, role and client come from authentication. */
export interface MemberActor {
  readonly kind: "member";
  readonly teamId: TeamId;
  readonly memberId: MemberId;
  readonly name: string;
  readonly role: Role;
  readonly client: Client;
  /**
   * The credential the member signed in with, when the host authenticates with stored
   * credentials: links and live streams made with it end when it is revoked.
   */
  readonly credentialId?: CredentialId;
}

/** A team's server integration acting with an API credential (client `api`). */
export interface IntegrationActor {
  readonly kind: "integration";
  readonly teamId: TeamId;
  readonly credentialId: CredentialId;
}

/** Whoever calls a use case. */
export type Actor = MemberActor | IntegrationActor;

/** The editable profile fields of a customer (P1). */
export interface Profile {
  readonly displayName: string;
  readonly email: string | null;
  /** E.164, e.g. `+886912345678`. */
  readonly phone: string | null;
  readonly note: string | null;
}

/** One end customer of the team (客戶). */
export interface Customer extends Profile {
  readonly id: CustomerId;
  readonly teamId: TeamId;
  /** Website member id tracked by the pixel (P4); never edited by members. */
  readonly memberId: string | null;
  readonly createdAt: Date;
}

/** A customer's account on one channel. */
export interface Identity {
  readonly id: IdentityId;
  readonly teamId: TeamId;
  readonly customerId: CustomerId;
  readonly channel: Channel;
  /** The channel's user id (LINE userId, PSID, IGSID, wa_id or BSUID, webchat visitor id). */
  readonly externalId: string;
  /** WhatsApp only: the phone-number id, digits without `+` (P3). */
  readonly waId: string | null;
  /** WhatsApp only: business-scoped user id when no phone is known (P3). */
  readonly businessScopedId: string | null;
  /** The website member account this social identity completed identity binding (社群身分綁定) to (L1, L4). */
  readonly websiteMemberId: string | null;
  /** When the binding completed; null if never. */
  readonly boundAt: Date | null;
}

/** Webchat presence (L6): the page the customer is on, or offline. */
export type Presence =
  | {
      readonly online: true;
      readonly pageUrl: string;
      readonly pageTitle: string | null;
      readonly since: Date;
    }
  | { readonly online: false; readonly since: Date | null };

/** The conversation between the team and one identity (對話事件). */
export interface Conversation {
  readonly id: ConversationId;
  readonly teamId: TeamId;
  readonly customerId: CustomerId;
  readonly identityId: IdentityId;
  readonly channel: Channel;
  /** E2 state. */
  readonly state: ConversationState;
  /** L5: false when the customer is blocked (有效 off). */
  readonly active: boolean;
  readonly assigneeId: MemberId | null;
  /** L6, meaningful for webchat only. */
  readonly presence: Presence;
  /** L7 最後導出時間. */
  readonly lastExportedAt: Date | null;
  readonly createdAt: Date;
}

/** One message of a conversation. */
export interface Message {
  readonly id: MessageId;
  readonly teamId: TeamId;
  readonly conversationId: ConversationId;
  readonly sender: SenderType;
  /** The member who wrote an `agent` message. */
  readonly agentId: MemberId | null;
  readonly agentName: string | null;
  readonly content: string;
  readonly sentAt: Date;
}

/** What an event log entry records (E1, E2). */
export type ConversationEventKind =
  | {
      readonly type: "state_changed";
      readonly from: ConversationState | null;
      readonly to: ConversationState;
    }
  | { readonly type: "assigned"; readonly assigneeId: MemberId; readonly assigneeName: string }
  | { readonly type: "blocked" }
  | { readonly type: "unblocked" }
  | { readonly type: "exported"; readonly format: "csv" | "xlsx" | "email" }
  | { readonly type: "omo_unbound" };

/** One entry of a conversation's event log: what, when and who (E1). */
export type ConversationEvent = ConversationEventKind & {
  readonly id: EventId;
  readonly conversationId: ConversationId;
  readonly at: Date;
  /** The member responsible, or null for the customer/system. */
  readonly memberId: MemberId | null;
  readonly memberName: string | null;
};

/** A team tag (T1). */
export interface Tag {
  readonly id: TagId;
  readonly teamId: TeamId;
  /** The normalised name as first typed (display form). */
  readonly name: string;
  /** The case-folded key two equal names share. */
  readonly key: string;
}

/** A tag as it stands on one customer: count since the last removal (T4, T5). */
export interface CustomerTag {
  readonly tagId: TagId;
  readonly name: string;
  /** Applications since the tag was last removed; 0 when not on the customer. */
  readonly count: number;
}

/** One application of a tag to a customer (T7); append-only. */
export interface TagApplication {
  readonly id: TagApplicationId;
  readonly teamId: TeamId;
  readonly customerId: CustomerId;
  readonly tagId: TagId;
  readonly appliedAt: Date;
  /** The conversation's channel when applied in one, else null. */
  readonly channel: Channel | null;
  readonly conversationId: ConversationId | null;
  readonly method: TagMethod;
  /** The member who applied it, or null (bot, broadcast, rule, API, import). */
  readonly memberId: MemberId | null;
}

/** A line of an order or cart. */
export interface OrderItem {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  /** Price of one unit in minor units of the currency. */
  readonly unitPrice: number;
}

/** An order placed on the team's website (L2). */
export interface Order {
  readonly id: string;
  readonly customerId: CustomerId;
  readonly placedAt: Date;
  readonly currency: string;
  /** Total in minor units. */
  readonly total: number;
  readonly items: readonly OrderItem[];
  /** The website member id the customer was logged in as when ordering; null if a guest (L3). */
  readonly websiteMemberId: string | null;
}

/** The customer's current cart (L2). */
export interface Cart {
  readonly customerId: CustomerId;
  readonly updatedAt: Date;
  readonly currency: string;
  readonly items: readonly OrderItem[];
  /** The website member id the cart belongs to; null for a guest cart (L3). */
  readonly websiteMemberId: string | null;
}

/** An OMO (online-merge-offline) membership binding of a customer (O1). */
export interface OmoBinding {
  readonly customerId: CustomerId;
  readonly omoMemberId: string;
  readonly boundAt: Date;
}

/** One changed field of a profile edit (P6). */
export interface FieldChange {
  readonly field: keyof Profile;
  readonly from: string | null;
  readonly to: string | null;
}
