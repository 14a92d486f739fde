import { Context, type Effect } from "effect";
import type { NotFound } from "../domain/errors.js";
import type { CustomerId, TagId, TeamId } from "../domain/ids.js";
import type { RememberedAnswer } from "../domain/remembered-answer.js";
import type {
  AppliedTag,
  LockedTagApplication,
  LockedTagRemoval,
  TagApplyRequest,
} from "../domain/tag-application.js";
import type { InstantRange, SuggestionCandidate, TagFrequency } from "../domain/tag-reads.js";

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
