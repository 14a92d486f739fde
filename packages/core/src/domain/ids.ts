import { z } from "zod";

/**
 * Branded ids. Every id is a UUID; the brand stops a customer id being passed
 * where a conversation id is expected. Parsing happens once, at the edge.
 */
const uuid = z.uuid({ error: "must be a UUID" });

/** Schema of a team id. */
export const TeamId = uuid.brand<"TeamId">();
/** A team (tenant) id. */
export type TeamId = z.infer<typeof TeamId>;

/** Schema of a member id. */
export const MemberId = uuid.brand<"MemberId">();
/** A team member id. */
export type MemberId = z.infer<typeof MemberId>;

/** Schema of a customer id. */
export const CustomerId = uuid.brand<"CustomerId">();
/** A customer id. */
export type CustomerId = z.infer<typeof CustomerId>;

/** Schema of an identity id. */
export const IdentityId = uuid.brand<"IdentityId">();
/** A channel identity id. */
export type IdentityId = z.infer<typeof IdentityId>;

/** Schema of a conversation id. */
export const ConversationId = uuid.brand<"ConversationId">();
/** A conversation id. */
export type ConversationId = z.infer<typeof ConversationId>;

/** Schema of a message id. */
export const MessageId = uuid.brand<"MessageId">();
/** A message id. */
export type MessageId = z.infer<typeof MessageId>;

/** Schema of a tag id. */
export const TagId = uuid.brand<"TagId">();
/** A team tag id. */
export type TagId = z.infer<typeof TagId>;

/** Schema of a tag application id. */
export const TagApplicationId = uuid.brand<"TagApplicationId">();
/** One application of a tag to a customer. */
export type TagApplicationId = z.infer<typeof TagApplicationId>;

/** Schema of an event log entry id. */
export const EventId = uuid.brand<"EventId">();
/** A conversation event log entry id. */
export type EventId = z.infer<typeof EventId>;

/** Schema of an API credential id. */
export const CredentialId = uuid.brand<"CredentialId">();
/** An integration's API credential id. */
export type CredentialId = z.infer<typeof CredentialId>;
