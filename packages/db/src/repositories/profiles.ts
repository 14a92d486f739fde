import { randomUUID } from "node:crypto";
import { type CustomerId, NotFound } from "@customer-panel/core";
import type { Profiles } from "@customer-panel/core/adapter";
import { and, asc, eq } from "drizzle-orm";
import { type Context, Effect } from "effect";
import type { Db } from "../database.js";
import { customers, identities, profileAudit } from "../schema.js";
import { onHandle, type Tx } from "../transaction.js";
import { customerFromRow, identityFromRow } from "./rows.js";

const ofTeam = (teamId: string, customerId: string) =>
  and(eq(customers.teamId, teamId), eq(customers.id, customerId));

// The customer under a row lock, with its identities; null when it is not the team's.
const lockProfileIn = async (handle: Db | Tx, teamId: string, customerId: string) => {
  const [row] = await handle
    .select()
    .from(customers)
    .where(ofTeam(teamId, customerId))
    .for("update");
  if (!row) return null;
  // Oldest first: P3 takes the first WhatsApp identity listed.
  const identityRows = await handle
    .select()
    .from(identities)
    .where(and(eq(identities.teamId, teamId), eq(identities.customerId, customerId)))
    .orderBy(asc(identities.createdAt), asc(identities.id));
  return { customer: customerFromRow(row), identities: identityRows.map(identityFromRow) };
};

// P4: the webchat visitor's customer under a row lock; null when the team has no such visitor.
const lockVisitorMemberIdIn = async (handle: Db | Tx, teamId: string, visitorId: string) => {
  const [row] = await handle
    .select({ customerId: customers.id, memberId: customers.memberId })
    .from(identities)
    .innerJoin(
      customers,
      and(eq(customers.teamId, identities.teamId), eq(customers.id, identities.customerId)),
    )
    .where(
      and(
        eq(identities.teamId, teamId),
        eq(identities.channel, "webchat"),
        eq(identities.externalId, visitorId),
      ),
    )
    .for("update", { of: customers });
  return row ? { customerId: row.customerId as CustomerId, memberId: row.memberId } : null;
};

const foundOr = <A>(row: A | null, what: "customer" | "identity"): Effect.Effect<A, NotFound> =>
  row === null ? Effect.fail(NotFound.of(what)) : Effect.succeed(row);

/** Customer profiles: the locked reads and the writes core's decisions ask for (P3, P4, P6). */
export const makeProfiles = (db: Db): Context.Tag.Service<typeof Profiles> => ({
  lockProfile: (teamId, customerId) =>
    onHandle(db, (handle) => lockProfileIn(handle, teamId, customerId)).pipe(
      Effect.flatMap((view) => foundOr(view, "customer")),
    ),
  recordEdit: (teamId, customerId, { next, changes }, audit) =>
    onHandle(db, async (handle) => {
      await handle
        .update(customers)
        .set({
          displayName: next.displayName,
          email: next.email,
          phone: next.phone,
          note: next.note,
        })
        .where(ofTeam(teamId, customerId));
      await handle.insert(profileAudit).values({
        id: randomUUID(),
        teamId,
        customerId,
        at: audit.at,
        memberId: audit.author.memberId,
        memberName: audit.author.memberName,
        changes,
      });
    }),
  lockVisitorMemberId: (teamId, visitorId) =>
    onHandle(db, (handle) => lockVisitorMemberIdIn(handle, teamId, visitorId)).pipe(
      Effect.flatMap((row) => foundOr(row, "identity")),
    ),
  recordMemberId: (teamId, customerId, memberId) =>
    onHandle(db, (handle) =>
      handle.update(customers).set({ memberId }).where(ofTeam(teamId, customerId)),
    ).pipe(Effect.asVoid),
});
