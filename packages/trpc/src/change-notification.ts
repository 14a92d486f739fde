import {
  ConversationId,
  CustomerId,
  PANEL_CHANGE_KINDS,
  type PanelChange,
  TeamId,
} from "@customer-panel/core";
import { z } from "zod";

/**
 * What the change stream hears on the channel (db's ChangeNotification, validated) and
 * the event ids it hands out (B6).
 */

// The payload db's change feed sends (ChangeNotification); anything else is dropped.
const Notification = z.object({
  id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullable(),
  teamId: TeamId,
  conversationId: ConversationId.nullable(),
  customerId: CustomerId.nullable(),
  kind: z.enum(PANEL_CHANGE_KINDS),
  at: z.iso.datetime({ offset: true }),
});

/** One notification heard: the stored change's id (null for `deleted`, never stored) and the change. */
export interface Heard {
  readonly id: number | null;
  readonly change: PanelChange;
}

/** Parses a notification payload; null for anything that is not one of ours. */
export const parseNotification = (payload: string): Heard | null => {
  let json: unknown;
  try {
    json = JSON.parse(payload);
  } catch {
    return null;
  }
  const parsed = Notification.safeParse(json);
  if (!parsed.success) return null;
  const { id, at, ...rest } = parsed.data;
  return { id, change: { ...rest, at: new Date(at) } };
};

/*
 * Event ids. A stored change's id is its `panel_changes` id ("42"). A `deleted`
 * notification is never stored (B5), so it has no id of its own: it takes
 * "<position>-deleted-<conversation id>", where the position is the newest stored id
 * this stream had reached. Resuming from it replays what came after that position,
 * exactly as resuming from the stored change before it would; the suffix keeps the id
 * unique. Anything else is junk: the subscription starts from now, with no backlog.
 */
const EVENT_ID = /^(0|[1-9][0-9]{0,15})(?:-deleted-[0-9a-f-]{36})?$/;

/** The stored position an event id resumes after; null for no id or a junk one. */
export const positionOf = (lastEventId: string | null): number | null => {
  if (lastEventId === null) return null;
  const match = EVENT_ID.exec(lastEventId);
  const position = match?.[1] === undefined ? Number.NaN : Number(match[1]);
  return Number.isSafeInteger(position) ? position : null;
};
