/**
 * Character-level checks shared by every free-text field: what a string may
 * contain before it is stored. Pure; used by the input schemas.
 */

/** C0 and C1 control characters except tab, LF and CR. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_EXCEPT_WHITESPACE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** All C0/C1 controls, for single-line fields. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const ANY_CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
/** Bidi embedding/override/isolate controls: used to disguise text (e.g. `gpj.exe`). */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
/** A UTF-16 surrogate without its pair: not encodable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Zero-width characters that make equal-looking text differ. */
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/g;

/** Why a string is not acceptable text, or null when it is. */
export const textProblem = (value: string, options: { multiline: boolean }): string | null => {
  if (LONE_SURROGATE.test(value)) return "contains an unpaired surrogate (not valid Unicode text)";
  if ((options.multiline ? CONTROL_EXCEPT_WHITESPACE : ANY_CONTROL).test(value)) {
    return options.multiline
      ? "contains control characters"
      : "contains control characters or line breaks";
  }
  if (BIDI_CONTROLS.test(value)) return "contains bidirectional override characters";
  return null;
};

/** Removes zero-width characters (they only make equal-looking names differ). */
export const stripZeroWidth = (value: string): string => value.replace(ZERO_WIDTH, "");

/** Length in Unicode code points, so a CJK or emoji character counts once. */
export const codePointLength = (value: string): number => {
  let n = 0;
  for (const _ of value) n++;
  return n;
};
