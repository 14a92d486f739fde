import type { Omo } from "@customer-panel/core/adapter";
import { and, eq } from "drizzle-orm";
import type { Context } from "effect";
import type { Db } from "../database.js";
import { conversationEvents, conversations, omoBindings } from "../schema.js";
import { transact } from "../transaction.js";
import { eventRows } from "./conversation-rows.js";

/** The Omo port on PGlite or PostgreSQL. */
export const makeOmo = (db: Db): Context.Tag.Service<typeof Omo> => ({
  unbind: (teamId, customerId, log) =>
    transact(db, async (tx) => {
      const removed = await tx
        .delete(omoBindings)
        .where(and(eq(omoBindings.teamId, teamId), eq(omoBindings.customerId, customerId)))
        .returning({ customerId: omoBindings.customerId });
      if (removed.length === 0) return false;
      // The log entry goes only on a conversation of this team and this customer (X2). The
      // key-share lock makes a concurrent delete wait for this entry, or this read wait for
      // the delete and find nothing (issue 14 C): never an entry pointing at an erased row.
      const [conversation] = await tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(
          and(
            eq(conversations.teamId, teamId),
            eq(conversations.id, log.conversationId),
            eq(conversations.customerId, customerId),
          ),
        )
        .for("key share");
      if (conversation !== undefined) {
        await tx
          .insert(conversationEvents)
          .values(eventRows(teamId, conversation.id, [{ type: "omo_unbound" }], log));
      }
      return true;
    }),
});
