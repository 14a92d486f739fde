import type { Author } from "./author.js";
import type { CustomerId } from "./ids.js";
import type { Customer, FieldChange, Identity, Profile } from "./model.js";

/** What the profile decision sees. */
export interface ProfileView {
  readonly customer: Customer;
  readonly identities: readonly Identity[];
}

/** The decided outcome of an edit: the new profile and the field diff for the audit trail (P6). */
export interface ProfileEditDecision {
  readonly next: Profile;
  readonly changes: readonly FieldChange[];
}

/** One entry of the profile audit trail (P6, B4). */
export interface ProfileAuditEntry {
  readonly customerId: CustomerId;
  readonly at: Date;
  readonly author: Author;
  readonly changes: readonly FieldChange[];
}
