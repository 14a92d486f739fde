import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../database.js";
import { preparedPerDatabase } from "../prepared-statements.js";
import { credentials, members } from "../schema.js";

/** A credential to store: only the hash of its secret, never the secret. */
export type NewCredential =
  | {
      readonly id: string;
      readonly teamId: string;
      readonly kind: "member";
      readonly memberId: string;
      readonly client: "web" | "app" | "api";
      readonly secretHash: string;
      readonly label: string;
    }
  | {
      readonly id: string;
      readonly teamId: string;
      readonly kind: "integration";
      readonly secretHash: string;
      readonly label: string;
    };

/** An active (not revoked) credential found by its secret's hash, with its member when it has one. */
export interface ActiveCredential {
  readonly id: string;
  readonly teamId: string;
  readonly kind: "member" | "integration";
  readonly client: string | null;
  /** The member a member credential signs in, read from the credential's own team. */
  readonly member: { readonly id: string; readonly name: string; readonly role: string } | null;
}

/** Stores a credential. */
export const insertCredential = async (db: Db, credential: NewCredential): Promise<void> => {
  await db.insert(credentials).values({
    id: credential.id,
    teamId: credential.teamId,
    kind: credential.kind,
    memberId: credential.kind === "member" ? credential.memberId : null,
    client: credential.kind === "member" ? credential.client : null,
    secretHash: credential.secretHash,
    label: credential.label,
  });
};

/** Revokes a credential; false when there is no such credential or it was already revoked. */
export const revokeCredentialById = async (db: Db, id: string, at: Date): Promise<boolean> => {
  const rows = await db
    .update(credentials)
    .set({ revokedAt: at })
    .where(and(eq(credentials.id, id), isNull(credentials.revokedAt)))
    .returning({ id: credentials.id });
  return rows.length > 0;
};

// Every request's look-up: prepared once per database (see preparedPerDatabase).
const activeCredentialStatement = preparedPerDatabase((db) =>
  db
    .select({
      id: credentials.id,
      teamId: credentials.teamId,
      kind: credentials.kind,
      client: credentials.client,
      memberId: members.id,
      memberName: members.name,
      memberRole: members.role,
    })
    .from(credentials)
    // The member is joined on the credential's team too: a row can never sign in
    // a member of another team, whatever its member id says.
    .leftJoin(
      members,
      and(eq(members.teamId, credentials.teamId), eq(members.id, credentials.memberId)),
    )
    .where(
      and(eq(credentials.secretHash, sql.placeholder("secretHash")), isNull(credentials.revokedAt)),
    )
    .limit(1)
    .prepare("credential_active"),
);

/** The active credential whose secret hashes to `secretHash`, or null; one round trip. */
export const findActiveCredential = async (
  db: Db,
  secretHash: string,
): Promise<ActiveCredential | null> => {
  const [row] = await activeCredentialStatement(db).execute({ secretHash });
  if (row === undefined) return null;
  return {
    id: row.id,
    teamId: row.teamId,
    kind: row.kind as ActiveCredential["kind"],
    client: row.client,
    member:
      row.memberId !== null && row.memberName !== null && row.memberRole !== null
        ? { id: row.memberId, name: row.memberName, role: row.memberRole }
        : null,
  };
};

/** A credential as an operator sees it: never its secret nor the secret's hash. */
export interface CredentialSummary {
  readonly id: string;
  readonly kind: "member" | "integration";
  readonly memberId: string | null;
  readonly client: string | null;
  readonly label: string;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

/** Every credential of a team, revoked ones included, oldest first. */
export const listCredentials = async (db: Db, teamId: string): Promise<CredentialSummary[]> => {
  if (!/^[0-9a-f-]{36}$/i.test(teamId)) return [];
  const rows = await db
    .select({
      id: credentials.id,
      kind: credentials.kind,
      memberId: credentials.memberId,
      client: credentials.client,
      label: credentials.label,
      createdAt: credentials.createdAt,
      revokedAt: credentials.revokedAt,
    })
    .from(credentials)
    .where(eq(credentials.teamId, teamId))
    .orderBy(asc(credentials.createdAt), asc(credentials.id));
  return rows.map((row) => ({ ...row, kind: row.kind as CredentialSummary["kind"] }));
};
