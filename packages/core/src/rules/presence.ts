import { Either } from "effect";
import { ChannelNotSupported } from "../domain/errors.js";
import type { Presence } from "../domain/model.js";
import type { Channel } from "../domain/vocabulary.js";

/** A presence signal from the website chat plugin. */
export type PresenceSignal =
  | { readonly type: "page_visit"; readonly pageUrl: string; readonly pageTitle: string | null }
  | { readonly type: "page_closed" };

/**
 * L6: only webchat conversations have a last page. A visit records the page the
 * customer is on; closing the page turns the panel to "user offline" at once and
 * the previous page link is not kept.
 */
export const decidePresence = (
  channel: Channel,
  signal: PresenceSignal,
  at: Date,
): Either.Either<Presence, ChannelNotSupported> => {
  if (channel !== "webchat") return Either.left(ChannelNotSupported.of("presence", channel));
  return Either.right(
    signal.type === "page_visit"
      ? { online: true, pageUrl: signal.pageUrl, pageTitle: signal.pageTitle, since: at }
      : { online: false, since: at },
  );
};

/** What the panel shows for L6: the last page, "user offline", or nothing for other channels. */
export type LastPageView =
  | {
      readonly status: "online";
      readonly pageUrl: string;
      readonly pageTitle: string | null;
      readonly since: Date;
    }
  | { readonly status: "offline"; readonly since: Date | null };

/** L6: the panel's view of a presence (never a stale link once offline). */
export const lastPageView = (presence: Presence): LastPageView =>
  presence.online
    ? {
        status: "online",
        pageUrl: presence.pageUrl,
        pageTitle: presence.pageTitle,
        since: presence.since,
      }
    : { status: "offline", since: presence.since };
