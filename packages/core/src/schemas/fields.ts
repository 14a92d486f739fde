import { Either } from "effect";
import { z } from "zod";
import { normalisePhone } from "../rules/phone-number.js";
import { normaliseTagName } from "../rules/tag-name.js";
import { codePointLength, textProblem } from "../rules/text-hygiene.js";

/**
 * Field schemas shared by the operation schemas. Raw strings are capped before
 * any normalisation so an oversized input costs nothing to refuse.
 */

interface TextOptions {
  readonly min: number;
  readonly max: number;
  readonly multiline: boolean;
}

/** Why `value` (already trimmed) is not acceptable text of these bounds, or null. */
const textBoundsProblem = (raw: string, value: string, options: TextOptions): string | null => {
  const problem = textProblem(raw, { multiline: options.multiline });
  if (problem) return problem;
  const length = codePointLength(value);
  if (length < options.min) {
    return options.min === 1 ? "must not be empty" : `must be at least ${options.min} characters`;
  }
  if (length > options.max) return `must be at most ${options.max} characters (got ${length})`;
  return null;
};

/** A text field: clean characters, trimmed, at most `max` code points (raw input capped at 4×). */
export const cleanText = (options: TextOptions) =>
  z
    .string()
    .max(options.max * 4, { error: `must be at most ${options.max} characters` })
    .transform((raw, ctx) => {
      const value = raw.trim();
      const problem = textBoundsProblem(raw, value, options);
      if (problem === null) return value;
      ctx.issues.push({ code: "custom", message: problem, input: raw });
      return z.NEVER;
    });

/** P2: clean text where an empty (or blank) string clears the field to null. */
export const clearableText = (options: Omit<TextOptions, "min">) =>
  z
    .string()
    .max(options.max * 4, { error: `must be at most ${options.max} characters` })
    .transform((raw, ctx) => {
      const value = raw.trim();
      if (value === "") return null;
      const problem = textBoundsProblem(raw, value, { ...options, min: 1 });
      if (problem === null) return value;
      ctx.issues.push({ code: "custom", message: problem, input: raw });
      return z.NEVER;
    });

/** P2: display name, 1–100 characters after trimming. */
export const displayNameField = cleanText({ min: 1, max: 100, multiline: false });

/** P2: a valid email address (at most 254 characters); empty clears it. */
export const emailField = z
  .string()
  .max(1000, { error: "must be at most 254 characters" })
  .transform((raw) => raw.trim())
  .pipe(
    z.union([
      z.literal("").transform(() => null),
      z.email({ error: "must be a valid email address" }).max(254, {
        error: "must be at most 254 characters",
      }),
    ]),
  );

/** P2: a valid international phone number, stored as E.164; empty clears it. */
export const phoneField = z
  .string()
  .max(64, { error: "must be an international phone number" })
  .transform((raw, ctx) => {
    if (raw.trim() === "") return null;
    const result = normalisePhone(raw);
    if (Either.isLeft(result)) {
      ctx.issues.push({ code: "custom", message: result.left, input: raw });
      return z.NEVER;
    }
    return result.right;
  });

/** P2: free-text note, at most 2,000 characters, line breaks allowed; empty clears it. */
export const noteField = clearableText({ max: 2000, multiline: true });

/** T1: a tag name as typed, normalised to `{ name, key }`. */
export const tagNameField = z
  .string()
  .max(200, { error: "must be at most 50 characters" })
  .transform((raw, ctx) => {
    const result = normaliseTagName(raw);
    if (Either.isLeft(result)) {
      ctx.issues.push({ code: "custom", message: result.left, input: raw });
      return z.NEVER;
    }
    return result.right;
  });

/**
 * T2: what was typed into "add tag" so far (may be empty). The same characters as a tag
 * name are refused (control characters, bidi overrides, unpaired surrogates): a query can
 * never match a tag holding them, and PostgreSQL can not even receive a NUL.
 */
export const tagQueryField = z
  .string()
  .max(200, { error: "must be at most 200 characters" })
  .superRefine((raw, ctx) => {
    const problem = textProblem(raw.replace(/[\t\r\n]/g, " "), { multiline: false });
    if (problem !== null) ctx.addIssue({ code: "custom", message: problem, input: raw });
  });

// Instants an integration sends are kept within 4-digit years, like report dates: JavaScript
// holds years ±275760, PostgreSQL and ISO-8601 text do not, and nothing real is dated outside.
const EARLIEST_INSTANT = Date.UTC(1000, 0, 1);
const LATEST_INSTANT = Date.UTC(10000, 0, 1) - 1;
const INSTANT_ERROR = "must be a date-time with a time zone (ISO 8601), in the years 1000–9999";

/**
 * A point in time sent by an integration (`sentAt`, `placedAt`): a `Date` (superjson) or an
 * ISO-8601 date-time with `Z` or an offset. Numbers, booleans and `null` are refused rather
 * than coerced (`null` would become 1970; a Unix time in seconds would land in 1970 too).
 */
export const instantField = z
  .union([z.date(), z.iso.datetime({ offset: true }).transform((text) => new Date(text))], {
    error: INSTANT_ERROR,
  })
  .refine(
    (date) => {
      const ms = date.getTime();
      return ms >= EARLIEST_INSTANT && ms <= LATEST_INSTANT;
    },
    { error: INSTANT_ERROR },
  );

/** A calendar date `YYYY-MM-DD` (checked as a real date by the report window rule). */
export const calendarDateField = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: "must be a date written YYYY-MM-DD" });

/** T8: an idempotency key chosen by the caller. */
export const idempotencyKeyField = z
  .string()
  .min(8, { error: "must be 8–128 characters" })
  .max(128, { error: "must be 8–128 characters" })
  .regex(/^[A-Za-z0-9._:-]+$/, { error: "may contain only letters, digits and . _ : -" });

// WHATWG URL exists in every runtime core targets (browsers, Node, Deno, Bun); it is typed
// locally so core needs neither the DOM nor the Node type library.
const WhatwgUrl = (globalThis as unknown as { URL: new (input: string) => { protocol: string } })
  .URL;

/**
 * An http(s) URL of a web page, at most 2,048 characters (L6). The URL parser quietly
 * drops or percent-encodes control, bidi and unpaired-surrogate characters, but the typed
 * text is what is stored and shown: it must be clean text itself.
 */
export const pageUrlField = z
  .string()
  .max(2048, { error: "must be at most 2048 characters" })
  .superRefine((raw, ctx) => {
    const problem = textProblem(raw, { multiline: false });
    if (problem !== null)
      ctx.addIssue({ code: "custom", message: problem, input: raw, abort: true });
  })
  .refine(
    (raw) => {
      try {
        const u = new WhatwgUrl(raw);
        return u.protocol === "http:" || u.protocol === "https:";
      } catch {
        return false;
      }
    },
    { error: "must be an http or https URL" },
  );

/** An external id from a channel (user id, visitor id, member id): printable ASCII, 1–256. */
export const externalIdField = z
  .string()
  .min(1, { error: "must not be empty" })
  .max(256, { error: "must be at most 256 characters" })
  .regex(/^[\x21-\x7E]+$/, { error: "must be printable ASCII without spaces" });

/** A page size. */
export const limitField = (max: number, fallback: number) =>
  z.number().int({ error: "must be a whole number" }).min(1).max(max).default(fallback);
