import { Either } from "effect";
import type { NormalisedTagName } from "../domain/tag-application.js";
import { codePointLength, stripZeroWidth, textProblem } from "./text-hygiene.js";

/** Longest tag name, in code points after normalisation (T1). */
export const MAX_TAG_NAME_LENGTH = 50;

/**
 * Case folding close to Unicode's full folding: `ß`, `ẞ`, `SS` and `ss` fold alike
 * (lower first, so `ẞ` becomes `ß` and then `SS`), and so do `ς`, `σ` and `Σ`.
 */
export const tagKeyOf = (name: string): string =>
  name.toLowerCase().toUpperCase().toLowerCase().normalize("NFKC");

/** T1 display normalisation, without validation (also used for suggestion queries). */
export const normaliseTagText = (raw: string): string =>
  // Zero-width characters go first, so a mark they separated still composes under NFKC.
  stripZeroWidth(raw).normalize("NFKC").replace(/\s+/gu, " ").trim();

/**
 * T1: trims, NFKC-normalises, removes zero-width characters and collapses inner
 * whitespace; the result must be 1–50 characters of clean text.
 */
export const normaliseTagName = (raw: string): Either.Either<NormalisedTagName, string> => {
  const problem = textProblem(raw.replace(/[\t\r\n]/g, " "), { multiline: false });
  if (problem) return Either.left(problem);
  const name = normaliseTagText(raw);
  const length = codePointLength(name);
  if (length === 0) return Either.left("must not be empty");
  if (length > MAX_TAG_NAME_LENGTH) {
    return Either.left(`must be at most ${MAX_TAG_NAME_LENGTH} characters (got ${length})`);
  }
  return Either.right({ name, key: tagKeyOf(name) });
};
