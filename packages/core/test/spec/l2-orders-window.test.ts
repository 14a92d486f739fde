import { describe, expect, it } from "vitest";
import { CustomerId } from "../../src/domain/ids.js";
import type { Cart, Order } from "../../src/domain/model.js";
import {
  ORDER_WINDOW_DAYS,
  ordersSince,
  visibleCommerce,
} from "../../src/rules/orders-visibility.js";

const customerId = CustomerId.parse("00000000-0000-4000-8000-000000000001");
const NOW = new Date("2025-06-30T12:00:00.000Z");
const DAY = 86_400_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms);

const order = (id: string, placedAt: Date, websiteMemberId: string | null = "M-1001"): Order => ({
  id,
  customerId,
  placedAt,
  currency: "TWD",
  total: 1200,
  items: [{ sku: "MUG-1", name: "Blue mug", quantity: 2, unitPrice: 600 }],
  websiteMemberId,
});

const cart = (websiteMemberId: string | null): Cart => ({
  customerId,
  updatedAt: ago(DAY),
  currency: "TWD",
  items: [{ sku: "MUG-1", name: "Blue mug", quantity: 1, unitPrice: 600 }],
  websiteMemberId,
});

const shownIds = (orders: readonly Order[]) =>
  visibleCommerce(orders, null, NOW).orders.map((o) => o.id);

describe("L2 the panel shows orders of the last 90 days, newest first", () => {
  it("the window is exactly 90 × 24 hours before now", () => {
    expect(ORDER_WINDOW_DAYS).toBe(90);
    expect(ordersSince(NOW)).toEqual(new Date("2025-04-01T12:00:00.000Z"));
  });

  it.each([
    ["placed now", 0, true],
    ["placed yesterday", DAY, true],
    ["placed 89 days ago", 89 * DAY, true],
    ["placed exactly 90 days ago", 90 * DAY, true],
    ["placed 90 days and 1 ms ago", 90 * DAY + 1, false],
    ["placed a year ago", 365 * DAY, false],
    ["dated 1 ms in the future", -1, false],
    ["dated a day in the future", -DAY, false],
  ])("an order %s: shown=%s", (_label, age, shown) => {
    expect(shownIds([order("A", ago(age))])).toEqual(shown ? ["A"] : []);
  });

  it("lists orders newest first, whatever order they arrive in", () => {
    const orders = [
      order("old", ago(80 * DAY)),
      order("newest", ago(1000)),
      order("middle", ago(10 * DAY)),
      order("too-old", ago(91 * DAY)),
    ];
    expect(shownIds(orders)).toEqual(["newest", "middle", "old"]);
  });

  it("returns the orders themselves, unchanged", () => {
    const recent = order("A", ago(DAY));
    expect(visibleCommerce([recent], null, NOW).orders).toEqual([recent]);
  });
});

describe("L2/L3 only orders and carts of a logged-in website member are shown (guest ones are not)", () => {
  it("a guest order (no website member id) is hidden, even inside the window", () => {
    const orders = [order("member", ago(DAY), "M-1001"), order("guest", ago(DAY), null)];
    expect(shownIds(orders)).toEqual(["member"]);
  });

  it("a member's cart is shown", () => {
    const memberCart = cart("M-1001");
    expect(visibleCommerce([], memberCart, NOW)).toEqual({ orders: [], cart: memberCart });
  });

  it("a guest cart is hidden", () => {
    expect(visibleCommerce([], cart(null), NOW)).toEqual({ orders: [], cart: null });
  });

  it("no cart → none shown", () => {
    expect(visibleCommerce([], null, NOW).cart).toBeNull();
  });
});
