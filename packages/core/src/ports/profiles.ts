import { Context, type Effect } from "effect";
import type { Author } from "../domain/author.js";
import type { NotFound } from "../domain/errors.js";
import type { CustomerId, TeamId } from "../domain/ids.js";
import type { ProfileEditDecision, ProfileView } from "../domain/profile-edit.js";

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
