import { randomUUID } from "node:crypto";
import { type CustomerId, NotFound } from "@customer-panel/core";
import type { Profiles } from "@customer-panel/core/adapter";
import { and, asc, eq } from "drizzle-orm";
import type { Context } from "effect";
import type { Db } from "../database.js";
import { customers, identities, profileAudit } from "../schema.js";
import { transact } from "../transaction.js";
import { customerFromRow, identityFromRow } from "./rows.js";

/** Customer profiles: edits decided by core under a row lock, with the audit trail (P6). */
export const makeProfiles = (db: Db): Context.Tag.Service<typeof Profiles> => ({
  edit: (teamId, customerId, decide, audit) =>
    transact(db, async (tx, refuse) => {
      const [row] = await tx
        .select()
        .from(customers)
        .where(and(eq(customers.teamId, teamId), eq(customers.id, customerId)))
        .for("update");
      if (!row) return refuse(NotFound.of("customer"));
      // Oldest first: P3 takes the first WhatsApp identity listed.
      const identityRows = await tx
        .select()
        .from(identities)
        .where(and(eq(identities.teamId, teamId), eq(identities.customerId, customerId)))
        .orderBy(asc(identities.createdAt), asc(identities.id));
      const customer = customerFromRow(row);
      const decision = decide({ customer, identities: identityRows.map(identityFromRow) });
      if (decision._tag === "Left") return refuse(decision.left);
      const { next, changes } = decision.right;
      if (changes.length === 0) return { customer, changes };
      const [updated] = await tx
        .update(customers)
        .set({
          displayName: next.displayName,
          email: next.email,
          phone: next.phone,
          note: next.note,
        })
        .where(and(eq(customers.teamId, teamId), eq(customers.id, customerId)))
        .returning();
      await tx.insert(profileAudit).values({
        id: randomUUID(),
        teamId,
        customerId,
        at: audit.at,
        memberId: audit.author.memberId,
        memberName: audit.author.memberName,
        changes,
      });
      return { customer: customerFromRow(updated ?? row), changes };
    }),
  fillMemberId: (teamId, visitorId, decide) =>
    transact(db, async (tx, refuse) => {
      const [identity] = await tx
        .select({ customerId: identities.customerId })
        .from(identities)
        .where(
          and(
            eq(identities.teamId, teamId),
            eq(identities.channel, "webchat"),
            eq(identities.externalId, visitorId),
          ),
        );
      if (!identity) return refuse(NotFound.of("identity"));
      const [row] = await tx
        .select({ memberId: customers.memberId })
        .from(customers)
        .where(and(eq(customers.teamId, teamId), eq(customers.id, identity.customerId)))
        .for("update");
      if (!row) return refuse(NotFound.of("customer"));
      const memberId = decide(row.memberId);
      if (memberId !== row.memberId) {
        await tx
          .update(customers)
          .set({ memberId })
          .where(and(eq(customers.teamId, teamId), eq(customers.id, identity.customerId)));
      }
      return { customerId: identity.customerId as CustomerId, memberId };
    }),
});
