import type { Cart, Order } from "../domain/model.js";

/** L2: the panel shows orders of the last 90 days. */
export const ORDER_WINDOW_DAYS = 90;

const DAY_MS = 86_400_000;

/** L2: the earliest order time shown at `now` (exactly 90 × 24 h before). */
export const ordersSince = (now: Date): Date =>
  new Date(now.getTime() - ORDER_WINDOW_DAYS * DAY_MS);

/** What the commerce section shows, once the section itself is available (L3/L4 gates). */
export interface CommerceView {
  readonly orders: readonly Order[];
  readonly cart: Cart | null;
}

/**
 * L2/L3: of the orders and cart known for the customer, only those of the last 90
 * days placed while logged in as a website member flow into the panel (guest
 * orders and carts do not). Newest order first.
 */
export const visibleCommerce = (
  orders: readonly Order[],
  cart: Cart | null,
  now: Date,
): CommerceView => {
  const since = ordersSince(now).getTime();
  return {
    orders: orders
      .filter(
        (o) => o.websiteMemberId !== null && o.placedAt.getTime() >= since && o.placedAt <= now,
      )
      .sort((a, b) => b.placedAt.getTime() - a.placedAt.getTime()),
    cart: cart !== null && cart.websiteMemberId !== null ? cart : null,
  };
};
