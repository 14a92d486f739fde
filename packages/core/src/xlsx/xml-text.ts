import { toWellFormed } from "../csv/csv-encoding.js";

// XML 1.0 forbids these code points outright, even as character references: C0 controls other
// than tab, LF and CR, and the two non-characters U+FFFE and U+FFFF.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const XML_ILLEGAL = /[\0-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;

// SpreadsheetML reads `_xHHHH_` inside text as an escaped character (ECMA-376 ST_Xstring; readers
// take `_XHHHH_` too), so a
// literal one in user text gets its `_` escaped as `_x005F_`.
const ESCAPE_LOOKALIKE = /_(?=[xX][0-9A-Fa-f]{4}_)/g;

// Text none of the rules touch: no markup character, no CR, no control, no surrogate, no `_x`.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const PLAIN = /^[^&<>\r\0-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF_]*$/;

// XML white space (space, tab, LF, CR) leading or trailing, or a tab or line break anywhere:
// kept only with xml:space="preserve".
const NEEDS_PRESERVE = /^[ \t\n\r]|[ \t\n\r]$|[\t\n\r]/;

// The common cell in one search: no control character at all, no markup, no surrogate, no `_`.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const SIMPLE = /^[^&<>\0-\x1F\uD800-\uDFFF\uFFFE\uFFFF_]*$/;
const SPACE = 0x20;

/**
 * Text as SpreadsheetML character data. What XML can not carry becomes U+FFFD — lone
 * surrogates (as in the CSV) and the control characters XML 1.0 forbids —; `& < >` are escaped;
 * CR is written `&#13;` (a parser would turn a raw one into LF); a literal `_xHHHH_` is escaped
 * so that no reader decodes it.
 */
export function xmlText(text: string): string {
  if (PLAIN.test(text)) return text;
  return toWellFormed(text)
    .replace(XML_ILLEGAL, "\uFFFD")
    .replace(ESCAPE_LOOKALIKE, "_x005F_")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r/g, "&#13;");
}

/** The `<t>` element of an inline string, with `xml:space="preserve"` only where white space needs it. */
export function textElement(text: string): string {
  if (
    SIMPLE.test(text) &&
    text.charCodeAt(0) !== SPACE &&
    text.charCodeAt(text.length - 1) !== SPACE
  ) {
    return `<t>${text}</t>`;
  }
  return NEEDS_PRESERVE.test(text)
    ? `<t xml:space="preserve">${xmlText(text)}</t>`
    : `<t>${xmlText(text)}</t>`;
}

/** `& < > "` escaped for an attribute value of our own (a sheet name). */
export function xmlAttribute(text: string): string {
  return xmlText(text).replace(/"/g, "&quot;");
}
