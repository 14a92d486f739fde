import { Data } from "effect";
import { DOMAIN_ERROR_CODES } from "../contract.js";
import type { Channel, Client, ConversationState, PlanFeature, Role } from "./vocabulary.js";

/**
 * The closed set of domain errors (X4). Each carries a stable machine-readable
 * `code` and a human `message`; adapters map codes exhaustively (see DOMAIN_ERROR_CODES).
 */

/** One field-level problem of a rejected input. */
export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `email` or `orders.0.total`. */
  readonly field: string;
  /** What is wrong with it, for a human. */
  readonly message: string;
}

/** Input that does not satisfy its schema (P2, T1, R1 dates …); names the offending fields. */
export class ValidationFailed extends Data.TaggedError("ValidationFailed")<{
  readonly issues: readonly FieldIssue[];
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "VALIDATION_FAILED" as const;
  /** Builds the error from its issues; the message names every offending field. */
  static of(issues: readonly FieldIssue[]): ValidationFailed {
    const text = issues.map((i) => `${i.field || "(input)"}: ${i.message}`).join("; ");
    return new ValidationFailed({ issues, message: `Invalid input — ${text}` });
  }
  /** One offending field. */
  static field(field: string, message: string): ValidationFailed {
    return ValidationFailed.of([{ field, message }]);
  }
}

/** What a NotFound refers to. */
export type Resource =
  | "team"
  | "member"
  | "customer"
  | "conversation"
  | "identity"
  | "tag"
  | "omo_binding"
  | "export";

/** A missing id — and, identically, another team's id (X2). */
export class NotFound extends Data.TaggedError("NotFound")<{
  readonly resource: Resource;
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "NOT_FOUND" as const;
  /** The error for one kind of resource; never says whether the id exists elsewhere. */
  static of(resource: Resource): NotFound {
    return new NotFound({ resource, message: `The ${resource.replace("_", " ")} was not found.` });
  }
}

/** The member's role may not perform the action (X1). */
export class RoleNotAllowed extends Data.TaggedError("RoleNotAllowed")<{
  readonly action: string;
  readonly role: Role;
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "ROLE_NOT_ALLOWED" as const;
  /** The refusal of `action` to `role`. */
  static of(action: string, role: Role): RoleNotAllowed {
    return new RoleNotAllowed({
      action,
      role,
      message: `The role ${role} may not ${action}.`,
    });
  }
}

/** The team's plan lacks a feature the action needs (P4, L3, L8, O1). */
export class FeatureNotEnabled extends Data.TaggedError("FeatureNotEnabled")<{
  readonly action: string;
  readonly feature: PlanFeature;
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "FEATURE_NOT_ENABLED" as const;
  /** The refusal of `action` for want of `feature`. */
  static of(action: string, feature: PlanFeature): FeatureNotEnabled {
    return new FeatureNotEnabled({
      action,
      feature,
      message: `${action} needs the plan feature ${feature}, which this team does not have.`,
    });
  }
}

/** The action does not exist on this conversation's channel (L6, O1). */
export class ChannelNotSupported extends Data.TaggedError("ChannelNotSupported")<{
  readonly action: string;
  readonly channel: Channel;
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "CHANNEL_NOT_SUPPORTED" as const;
  /** The refusal of `action` on `channel`. */
  static of(action: string, channel: Channel): ChannelNotSupported {
    return new ChannelNotSupported({
      action,
      channel,
      message: `${action} is not available on ${channel} conversations.`,
    });
  }
}

/** The action is not offered on the member's client (L8: never from `app`). */
export class ClientNotSupported extends Data.TaggedError("ClientNotSupported")<{
  readonly action: string;
  readonly client: Client;
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "CLIENT_NOT_SUPPORTED" as const;
  /** The refusal of `action` from `client`. */
  static of(action: string, client: Client): ClientNotSupported {
    return new ClientNotSupported({
      action,
      client,
      message: `${action} is not available from the ${client} client.`,
    });
  }
}

/** P3: the phone of a customer with a WhatsApp identity comes from WhatsApp and can not be changed. */
export class PhoneLocked extends Data.TaggedError("PhoneLocked")<{
  readonly field: "phone";
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "PHONE_LOCKED" as const;
  /** The one refusal P3 gives. */
  static make(): PhoneLocked {
    return new PhoneLocked({
      field: "phone",
      message: "The phone number comes from WhatsApp and can not be changed.",
    });
  }
}

/** R1: a report range longer than 30 days. */
export class ReportRangeTooLong extends Data.TaggedError("ReportRangeTooLong")<{
  readonly field: "to";
  readonly days: number;
  readonly maxDays: number;
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "REPORT_RANGE_TOO_LONG" as const;
  /** The refusal of a `days`-long range. */
  static of(days: number, maxDays: number): ReportRangeTooLong {
    return new ReportRangeTooLong({
      field: "to",
      days,
      maxDays,
      message: `A report covers at most ${maxDays} days; the range asked for covers ${days}.`,
    });
  }
}

/** R1: a range whose start is after its end. */
export class ReportRangeInverted extends Data.TaggedError("ReportRangeInverted")<{
  readonly field: "from";
  readonly from: string;
  readonly to: string;
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "REPORT_RANGE_INVERTED" as const;
  /** The refusal of `from` > `to`. */
  static of(from: string, to: string): ReportRangeInverted {
    return new ReportRangeInverted({
      field: "from",
      from,
      to,
      message: `The range starts (${from}) after it ends (${to}).`,
    });
  }
}

/** E2: a command that the conversation's current state does not allow. */
export class InvalidStateTransition extends Data.TaggedError("InvalidStateTransition")<{
  readonly state: ConversationState;
  readonly command: string;
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "INVALID_STATE_TRANSITION" as const;
  /** The refusal of `command` in `state`. */
  static of(state: ConversationState, command: string): InvalidStateTransition {
    return new InvalidStateTransition({
      state,
      command,
      message: `Can not ${command.replace("_", " ")} a conversation that is ${state.replace("_", " ")}.`,
    });
  }
}

/** L5/B2: an inbound message for a blocked conversation is refused and not stored. */
export class ConversationBlocked extends Data.TaggedError("ConversationBlocked")<{
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "CONVERSATION_BLOCKED" as const;
  /** The one refusal L5 gives at ingress. */
  static make(): ConversationBlocked {
    return new ConversationBlocked({
      message: "The customer is blocked on this conversation; the message was not received.",
    });
  }
}

/** T8: an idempotency key sent again with a different request. */
export class IdempotencyKeyReused extends Data.TaggedError("IdempotencyKeyReused")<{
  readonly field: "idempotencyKey" | "externalMessageId";
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "IDEMPOTENCY_KEY_REUSED" as const;
  /** The refusal of a key already used for another request. */
  static make(): IdempotencyKeyReused {
    return new IdempotencyKeyReused({
      field: "idempotencyKey",
      message: "This idempotency key was already used for a different request.",
    });
  }
  /** The refusal of a channel message id already stored with a different message. */
  static ofMessage(): IdempotencyKeyReused {
    return new IdempotencyKeyReused({
      field: "externalMessageId",
      message: "This message id was already used for a different message.",
    });
  }
}

/** Too many exports in a short time for one team (a limit of the API layer). */
export class RateLimited extends Data.TaggedError("RateLimited")<{
  readonly retryAfterSeconds: number;
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "RATE_LIMITED" as const;
  /** The refusal, with when to try again. */
  static of(retryAfterSeconds: number): RateLimited {
    return new RateLimited({
      retryAfterSeconds,
      message: `Too many requests; try again in ${retryAfterSeconds} s.`,
    });
  }
}

/** A live stream ended because the credential it was opened with was revoked (B6). */
export class CredentialRevoked extends Data.TaggedError("CredentialRevoked")<{
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "CREDENTIAL_REVOKED" as const;
  /** The ending. */
  static make(): CredentialRevoked {
    return new CredentialRevoked({
      message: "The credential this stream was opened with was revoked; sign in again.",
    });
  }
}

/** A live stream ended because its member was removed from the team (B6). */
export class MemberRemoved extends Data.TaggedError("MemberRemoved")<{
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "MEMBER_REMOVED" as const;
  /** The ending. */
  static make(): MemberRemoved {
    return new MemberRemoved({ message: "This member was removed from the team." });
  }
}

/**
 * A live stream ended because its reader fell too far behind (a limit of the API
 * layer); reconnecting with the last event id received resumes without loss (B6).
 */
export class SubscriberTooSlow extends Data.TaggedError("SubscriberTooSlow")<{
  readonly lastEventId: string | null;
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "SUBSCRIBER_TOO_SLOW" as const;
  /** The ending, with the last event id this stream delivered (null: none yet). */
  static of(lastEventId: string | null): SubscriberTooSlow {
    return new SubscriberTooSlow({
      lastEventId,
      message:
        lastEventId === null
          ? "Too slow: this stream fell behind and was closed; subscribe again."
          : `Too slow: this stream fell behind and was closed; resume with lastEventId "${lastEventId}".`,
    });
  }
}

/**
 * A live stream ended because its server is shutting down (a deploy, a restart);
 * reconnecting with the last event id received resumes on another server without loss.
 */
export class ServerShuttingDown extends Data.TaggedError("ServerShuttingDown")<{
  readonly lastEventId: string | null;
  readonly message: string;
}> {
  /** Stable code. */
  readonly code = "SERVER_SHUTTING_DOWN" as const;
  /** The ending, with the last event id this stream delivered (null: none yet). */
  static of(lastEventId: string | null): ServerShuttingDown {
    return new ServerShuttingDown({
      lastEventId,
      message:
        lastEventId === null
          ? "This server is shutting down; subscribe again."
          : `This server is shutting down; resume with lastEventId "${lastEventId}".`,
    });
  }
}

/** Every domain error. Adding one here breaks compilation until every adapter maps it. */
export type DomainError =
  | ValidationFailed
  | NotFound
  | RoleNotAllowed
  | FeatureNotEnabled
  | ChannelNotSupported
  | ClientNotSupported
  | PhoneLocked
  | ReportRangeTooLong
  | ReportRangeInverted
  | InvalidStateTransition
  | ConversationBlocked
  | IdempotencyKeyReused
  | RateLimited
  | CredentialRevoked
  | MemberRemoved
  | SubscriberTooSlow
  | ServerShuttingDown;

/** The stable code of a domain error. */
export type DomainErrorCode = DomainError["code"];

// The list lives in contract.ts, an entry that imports nothing at run time (for clients).
export { DOMAIN_ERROR_CODES } from "../contract.js";

/** True for any value that is one of the domain errors. */
export const isDomainError = (u: unknown): u is DomainError =>
  typeof u === "object" &&
  u !== null &&
  "code" in u &&
  (DOMAIN_ERROR_CODES as readonly unknown[]).includes((u as { code: unknown }).code) &&
  "_tag" in u;
