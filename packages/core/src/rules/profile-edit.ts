import { Either } from "effect";
import { PhoneLocked } from "../domain/errors.js";
import type { FieldChange, Identity, Profile } from "../domain/model.js";
import type { ProfileEditDecision } from "../domain/profile-edit.js";
import { whatsAppPhone } from "./phone-number.js";

/** A validated profile edit: only the fields present change; null clears (P2). */
export interface ProfilePatch {
  readonly displayName?: string;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly note?: string | null;
}

/** What the customer's WhatsApp identity imposes on the phone (P3). */
export type PhoneLock =
  | { readonly locked: false }
  | { readonly locked: true; readonly phone: string | null };

const PROFILE_FIELDS = ["displayName", "email", "phone", "note"] as const;

/**
 * P3: a customer with a WhatsApp identity has the phone of that identity, locked.
 * With several WhatsApp identities the earliest-listed one with a `wa_id` wins.
 */
export const phoneLockOf = (
  identities: readonly Pick<Identity, "channel" | "waId">[],
): PhoneLock => {
  const whatsApp = identities.filter((i) => i.channel === "whatsapp");
  if (whatsApp.length === 0) return { locked: false };
  const withNumber = whatsApp.find((i) => whatsAppPhone(i.waId) !== null);
  return { locked: true, phone: withNumber ? whatsAppPhone(withNumber.waId) : null };
};

/**
 * P1–P3, P6: applies a validated patch to a profile. A patch that would change a
 * locked phone is refused whole (no other field is written); sending the locked
 * value again is not a change.
 */
export const decideProfileEdit = (
  current: Profile,
  patch: ProfilePatch,
  lock: PhoneLock,
): Either.Either<ProfileEditDecision, PhoneLocked> => {
  if (lock.locked && patch.phone !== undefined && patch.phone !== lock.phone) {
    return Either.left(PhoneLocked.make());
  }
  const next: Profile = {
    displayName: patch.displayName ?? current.displayName,
    email: patch.email !== undefined ? patch.email : current.email,
    phone: lock.locked ? lock.phone : patch.phone !== undefined ? patch.phone : current.phone,
    note: patch.note !== undefined ? patch.note : current.note,
  };
  const changes = PROFILE_FIELDS.flatMap((field): FieldChange[] =>
    current[field] === next[field] ? [] : [{ field, from: current[field], to: next[field] }],
  );
  return Either.right({ next, changes });
};
