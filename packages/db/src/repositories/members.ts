import { ROLES, type Role } from "@customer-panel/core";
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../database.js";
import { conversations, credentials, members } from "../schema.js";

/**
 * Member administration: remove a member, change a member's role, and read the
 * standing of many members and credentials at once (stream re-authorisation).
 */

/** Why a member change was refused: a stable code and the offending field. */
export class MemberChangeRefused extends Error {
  /** Stable code: the member is not in that team, or the role is not one of ROLES. */
  readonly code: "MEMBER_NOT_FOUND" | "INVALID_ROLE";
  /** The offending input field. */
  readonly field: "memberId" | "role";
  constructor(
    code: MemberChangeRefused["code"],
    field: MemberChangeRefused["field"],
    message: string,
  ) {
    super(message);
    this.name = "MemberChangeRefused";
    this.code = code;
    this.field = field;
  }
}

const notFound = (teamId: string, memberId: string) =>
  new MemberChangeRefused(
    "MEMBER_NOT_FOUND",
    "memberId",
    `No member ${memberId} in team ${teamId}.`,
  );

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// A malformed id can name no member: refused before it reaches the database.
const requireIds = (teamId: string, memberId: string): void => {
  if (!UUID.test(teamId) || !UUID.test(memberId)) throw notFound(teamId, memberId);
};

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/**
 * Removes a member of a team, in one transaction: their credentials and preferences go
 * with them (foreign keys cascade); conversations assigned to them become unassigned
 * (`conversations.assignee_id` does not cascade). Throws `MEMBER_NOT_FOUND` when the
 * member is not in the team, and changes nothing then.
 */
export const removeMember = async (db: Db, teamId: string, memberId: string): Promise<void> => {
  requireIds(teamId, memberId);
  await db.transaction(async (tx) => {
    const [found] = await tx
      .select({ id: members.id })
      .from(members)
      .where(and(eq(members.teamId, teamId), eq(members.id, memberId)))
      .for("update");
    if (found === undefined) throw notFound(teamId, memberId);
    await tx
      .update(conversations)
      .set({ assigneeId: null })
      .where(and(eq(conversations.teamId, teamId), eq(conversations.assigneeId, memberId)));
    await tx.delete(members).where(and(eq(members.teamId, teamId), eq(members.id, memberId)));
  });
};

/**
 * Gives a member of a team another role. Throws `INVALID_ROLE` for a role not in
 * ROLES and `MEMBER_NOT_FOUND` when the member is not in the team.
 */
export const setMemberRole = async (
  db: Db,
  teamId: string,
  memberId: string,
  role: string,
): Promise<void> => {
  if (!isRole(role)) {
    throw new MemberChangeRefused(
      "INVALID_ROLE",
      "role",
      `Unknown role "${role}"; expected one of ${ROLES.join(", ")}.`,
    );
  }
  requireIds(teamId, memberId);
  const rows = await db
    .update(members)
    .set({ role })
    .where(and(eq(members.teamId, teamId), eq(members.id, memberId)))
    .returning({ id: members.id });
  if (rows.length === 0) throw notFound(teamId, memberId);
};

/** Who holds an open stream: a member of a team, signed in with a credential (when known). */
export interface StreamHolder {
  readonly teamId: string;
  readonly memberId: string;
  readonly credentialId: string | null;
}

/** The standing of the holders asked about, keyed by member id and credential id. */
export interface HolderStanding {
  /** Member id → current role, for members still in their team (key `teamId:memberId`). */
  readonly roles: ReadonlyMap<string, string>;
  /** Ids of the asked credentials that exist and are not revoked. */
  readonly activeCredentials: ReadonlySet<string>;
}

/** The key of a member in {@link HolderStanding.roles}. */
export const memberKey = (teamId: string, memberId: string): string => `${teamId}:${memberId}`;

/**
 * Reads the standing of many stream holders in one round trip per table (two
 * statements whatever the number of holders): which members still exist with which
 * role, and which credentials are still active.
 */
export const holderStanding = async (
  db: Db,
  holders: readonly StreamHolder[],
): Promise<HolderStanding> => {
  const memberIds = [...new Set(holders.map((h) => h.memberId))];
  const credentialIds = [
    ...new Set(holders.flatMap((h) => (h.credentialId === null ? [] : [h.credentialId]))),
  ];
  const [memberRows, credentialRows] = await Promise.all([
    memberIds.length === 0
      ? []
      : db
          .select({ teamId: members.teamId, id: members.id, role: members.role })
          .from(members)
          .where(inArray(members.id, memberIds)),
    credentialIds.length === 0
      ? []
      : db
          .select({ id: credentials.id, revokedAt: credentials.revokedAt })
          .from(credentials)
          .where(inArray(credentials.id, credentialIds)),
  ]);
  return {
    roles: new Map(memberRows.map((m) => [memberKey(m.teamId, m.id), m.role])),
    activeCredentials: new Set(credentialRows.filter((c) => c.revokedAt === null).map((c) => c.id)),
  };
};
