import type { Author } from "./author.js";
import type { ConversationId, CustomerId, TagApplicationId, TagId, TeamId } from "./ids.js";
import type { Tag } from "./model.js";
import type { Channel, TagMethod } from "./vocabulary.js";

/** A normalised tag name and the key two equal names share. */
export interface NormalisedTagName {
  /** Display form: trimmed, NFKC, inner whitespace collapsed. */
  readonly name: string;
  /** Case-folded form: names that differ only by letter case share it. */
  readonly key: string;
}

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
