import { Either } from "effect";
import { describe, expect, it } from "vitest";
import type { Presence } from "../../src/domain/model.js";
import { SOCIAL_CHANNELS } from "../../src/domain/vocabulary.js";
import { decidePresence, lastPageView } from "../../src/rules/presence.js";
import { pageUrlField } from "../../src/schemas/fields.js";

const AT = new Date("2025-03-01T09:00:00Z");
const LATER = new Date("2025-03-01T09:05:00Z");
const PAGE = "https://shop.example.com/products/42?ref=line";

const visit = { type: "page_visit", pageUrl: PAGE, pageTitle: "Blue mug" } as const;
const closed = { type: "page_closed" } as const;

const presenceOf = (signal: typeof visit | typeof closed, at: Date): Presence => {
  const result = decidePresence("webchat", signal, at);
  if (Either.isLeft(result)) throw new Error(result.left.message);
  return result.right;
};

describe("L6 the last message page: webchat only; closing the page turns the panel offline at once", () => {
  it("a page visit on webchat → online on that page, with its title, since then", () => {
    expect(presenceOf(visit, AT)).toEqual({
      online: true,
      pageUrl: PAGE,
      pageTitle: "Blue mug",
      since: AT,
    });
  });

  it("a page without a title is still shown", () => {
    expect(decidePresence("webchat", { ...visit, pageTitle: null }, AT)).toEqual(
      Either.right({ online: true, pageUrl: PAGE, pageTitle: null, since: AT }),
    );
  });

  it("the page closed → offline since then, and no page link is kept", () => {
    const presence = presenceOf(closed, LATER);
    expect(presence).toEqual({ online: false, since: LATER });
    expect(presence).not.toHaveProperty("pageUrl");
    expect(lastPageView(presence)).toEqual({ status: "offline", since: LATER });
  });

  it.each(SOCIAL_CHANNELS)("on %s → CHANNEL_NOT_SUPPORTED for visits and closes", (channel) => {
    for (const signal of [visit, closed]) {
      const result = decidePresence(channel, signal, AT);
      if (Either.isRight(result)) throw new Error("expected a refusal");
      expect(result.left.code).toBe("CHANNEL_NOT_SUPPORTED");
      expect(result.left.channel).toBe(channel);
      expect(result.left.action).toBe("presence");
    }
  });

  it("the panel view shows the page while online", () => {
    expect(lastPageView(presenceOf(visit, AT))).toEqual({
      status: "online",
      pageUrl: PAGE,
      pageTitle: "Blue mug",
      since: AT,
    });
  });

  it("a customer never seen is offline with no time", () => {
    expect(lastPageView({ online: false, since: null })).toEqual({
      status: "offline",
      since: null,
    });
  });
});

describe("L6 a page URL is an http(s) URL of at most 2,048 characters", () => {
  const ok = (url: string) => pageUrlField.safeParse(url).success;

  it.each([
    ["https", PAGE],
    ["http", "http://shop.example.com/"],
    ["non-ASCII path", "https://shop.example.com/商品/42"],
    ["exactly 2,048 characters", `https://example.com/${"a".repeat(2048 - 20)}`],
  ])("accepts %s", (_label, url) => {
    expect(url.length).toBeLessThanOrEqual(2048);
    expect(ok(url)).toBe(true);
  });

  it.each([
    ["javascript:", "javascript:alert(1)"],
    ["javascript: in capitals", "JAVASCRIPT:alert(1)"],
    ["data:", "data:text/html,<script>alert(1)</script>"],
    ["file:", "file:///etc/passwd"],
    ["ftp:", "ftp://example.com/file"],
    ["a relative path", "/products/42"],
    ["not a URL", "shop.example.com"],
    ["an empty string", ""],
    ["2,049 characters", `https://example.com/${"a".repeat(2049 - 20)}`],
  ])("rejects %s", (_label, url) => {
    expect(ok(url)).toBe(false);
  });

  it("says why", () => {
    expect(pageUrlField.safeParse("javascript:alert(1)").error?.issues[0]?.message).toBe(
      "must be an http or https URL",
    );
    expect(
      pageUrlField.safeParse(`https://example.com/${"a".repeat(2049)}`).error?.issues[0]?.message,
    ).toBe("must be at most 2048 characters");
  });
});
