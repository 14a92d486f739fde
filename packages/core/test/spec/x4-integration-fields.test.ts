import { describe, expect, it } from "vitest";
import { instantField, pageUrlField, tagQueryField } from "../../src/schemas/fields.js";

// Field rules the HTTP hostile-input corpus found missing (each answered 500 or stored a wrong
// value before): checked here on the schemas themselves, with no server.

const INSTANT_ERROR = "must be a date-time with a time zone (ISO 8601), in the years 1000–9999";

describe("X4 an instant sent by an integration (sentAt, placedAt) is a real date-time with a zone", () => {
  it.each([
    ["ISO text in UTC", "2025-06-01T08:30:00Z", "2025-06-01T08:30:00.000Z"],
    ["ISO text with an offset", "2025-06-01T16:30:00+08:00", "2025-06-01T08:30:00.000Z"],
    ["fractional seconds", "2025-06-01T08:30:00.123456Z", "2025-06-01T08:30:00.123Z"],
    ["a Date (superjson)", new Date("2025-06-01T08:30:00Z"), "2025-06-01T08:30:00.000Z"],
    ["the first instant of year 1000", "1000-01-01T00:00:00Z", "1000-01-01T00:00:00.000Z"],
    ["the last second of year 9999", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59.000Z"],
  ])("accepts %s", (_label, input, iso) => {
    const result = instantField.safeParse(input);
    expect(result.success && result.data.toISOString()).toBe(iso);
  });

  it.each([
    ["null (would have become 1970)", null],
    ["true (would have become 1970)", true],
    ["Unix seconds (ambiguous with milliseconds)", 1_748_764_800],
    ["a date-time without a zone", "2025-06-01T08:30:00"],
    ["a date alone", "2025-06-01"],
    ["free text", "yesterday"],
    ["year 275760, which PostgreSQL can not store", new Date(8.64e15)],
    ["year 999", "0999-12-31T23:59:59Z"],
    ["year 10000 as a Date", new Date(Date.UTC(10000, 0, 1))],
    ["an invalid Date", new Date(Number.NaN)],
  ])("refuses %s", (_label, input) => {
    const result = instantField.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error.issues.map((i) => i.message)).toContain(INSTANT_ERROR);
    }
  });
});

describe("X4 a tag suggestion query (T2) follows the tag-name character rules", () => {
  it.each([
    ["an empty query", ""],
    ["CJK text", "外套"],
    ["200 characters", "a".repeat(200)],
  ])("accepts %s", (_label, query) => {
    expect(tagQueryField.safeParse(query)).toMatchObject({ success: true, data: query });
  });

  it.each([
    ["a NUL (PostgreSQL can not receive it)", "vip\u0000"],
    ["a bidi override", "vip\u202E"],
    ["a lone surrogate", "vip\uD800"],
    ["201 characters", "a".repeat(201)],
  ])("refuses %s", (_label, query) => {
    expect(tagQueryField.safeParse(query).success).toBe(false);
  });
});

describe("X4 a page URL (L6) must be clean single-line text before it is parsed as a URL", () => {
  it("accepts an https URL with CJK in its path, stored exactly as sent", () => {
    const url = "https://shop.example.com/商品/外套?id=1";
    expect(pageUrlField.safeParse(url)).toMatchObject({ success: true, data: url });
  });

  it.each([
    ["a NUL", "https://shop.example.com/\u0000"],
    ["a newline", "https://shop.example.com/a\nb"],
    ["a bidi override", "https://shop.example.com/\u202Efdp.exe"],
    ["a lone surrogate", "https://shop.example.com/\uDC00"],
  ])("refuses %s (the URL parser would have quietly rewritten it)", (_label, url) => {
    expect(pageUrlField.safeParse(url).success).toBe(false);
  });
});
