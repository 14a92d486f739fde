import { Either } from "effect";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";

/**
 * P2/P3 phone numbers. Stored only in E.164 (`+886912345678`), never as typed:
 * libphonenumber extracts numbers from noise (`=+86…` parses), so the raw
 * shape is checked before parsing and only the normalised form is kept.
 */

/** What an international number may look like as typed: `+`, digits and common separators. */
const TYPED_INTERNATIONAL = /^\+[0-9][0-9 ()./-]{3,30}$/;

/** Normalises a typed international number to E.164, or says why it is not one. */
export const normalisePhone = (typed: string): Either.Either<string, string> => {
  const value = typed.trim();
  if (!TYPED_INTERNATIONAL.test(value)) {
    return Either.left("must be an international number starting with + and the country code");
  }
  const parsed = parsePhoneNumberFromString(value);
  if (!parsed?.isValid()) return Either.left("is not a valid phone number");
  return Either.right(parsed.number);
};

/** WhatsApp ids are digits only, 6–15 of them (E.164 has at most 15). */
const WA_ID = /^[1-9][0-9]{5,14}$/;

/**
 * P3: the phone a WhatsApp identity carries. A `wa_id` is the number without `+`:
 * it becomes E.164 by prefixing `+`, never by guessing a country. A user known only
 * by a business-scoped id has no phone (null).
 */
export const whatsAppPhone = (waId: string | null): string | null =>
  waId !== null && WA_ID.test(waId) ? `+${waId}` : null;

/** True when a string is a syntactically acceptable `wa_id`. */
export const isWaId = (value: string): boolean => WA_ID.test(value);
