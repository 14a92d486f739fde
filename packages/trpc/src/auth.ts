import { createHash, randomBytes, randomUUID } from "node:crypto";
import {
  type Actor,
  CLIENTS,
  type Client,
  type CredentialId,
  type MemberId,
  ROLES,
  type Role,
  type TeamId,
} from "@customer-panel/core";
import type { Database, Db } from "@customer-panel/db";
import {
  findActiveCredential,
  insertCredential,
  revokeCredentialById,
} from "@customer-panel/db/repositories";
import type { Authenticate, AuthRequest } from "./context.js";

/** SHA-256 of a secret, hex: what the credentials table stores instead of the secret. */
export const hashSecret = (secret: string): string =>
  createHash("sha256").update(secret, "utf8").digest("hex");

/** What to issue: a member's bearer token for one client, or a team integration's API key. */
export type CredentialRequest =
  | {
      readonly teamId: string;
      readonly kind: "member";
      readonly memberId: string;
      readonly client: Client;
      readonly label?: string;
    }
  | { readonly teamId: string; readonly kind: "integration"; readonly label?: string };

/** A new credential: the secret is shown this once and never stored. */
export interface IssuedCredential {
  readonly id: string;
  readonly secret: string;
}

/** Issues a credential: 32 random bytes as base64url; only their SHA-256 is stored. */
export const issueCredential = async (
  db: Db,
  request: CredentialRequest,
): Promise<IssuedCredential> => {
  const id = randomUUID();
  const secret = randomBytes(32).toString("base64url");
  const common = { id, teamId: request.teamId, secretHash: hashSecret(secret) };
  await insertCredential(
    db,
    request.kind === "member"
      ? {
          ...common,
          kind: "member",
          memberId: request.memberId,
          client: request.client,
          label: request.label ?? "",
        }
      : { ...common, kind: "integration", label: request.label ?? "" },
  );
  return { id, secret };
};

/** Revokes a credential at once; false when it does not exist or was already revoked. */
export const revokeCredential = (db: Db, id: string, at: Date = new Date()): Promise<boolean> =>
  revokeCredentialById(db, id, at);

// 32 bytes in base64url are exactly 43 characters; anything else can not be one of ours,
// so it is refused before it reaches the database.
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const BEARER = /^Bearer ([^\s]+)$/i;

type Presented = { readonly secret: string; readonly via: "bearer" | "apiKey" };

/** The one secret a request presents, or null when it presents none, two, or a malformed one. */
const presentedSecret = (request: AuthRequest): Presented | null => {
  const authorization = request.headers.authorization;
  const apiKey = request.headers["x-api-key"];
  // A repeated header arrives as an array (or joined): never guess which one was meant.
  if (Array.isArray(authorization) || Array.isArray(apiKey)) return null;
  if (authorization !== undefined && apiKey !== undefined) return null;
  if (authorization !== undefined) {
    const secret = BEARER.exec(authorization.trim())?.[1];
    return secret !== undefined && SECRET.test(secret) ? { secret, via: "bearer" } : null;
  }
  if (apiKey !== undefined) {
    const secret = apiKey.trim();
    return SECRET.test(secret) ? { secret, via: "apiKey" } : null;
  }
  return null;
};

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
const isClient = (value: string | null): value is Client =>
  value !== null && (CLIENTS as readonly string[]).includes(value);

/**
 * The credentials table as the host's authentication: `Authorization: Bearer <secret>`
 * (members and integrations) or `X-Api-Key: <secret>` (integrations only). Team, member,
 * role and client come from the stored credential, never from the request. A missing,
 * malformed, unknown or revoked credential answers null (UNAUTHORIZED), never an
 * exception; a database failure does throw (an outage is not a wrong password).
 *
 * The look-up is by SHA-256 of the secret, so no constant-time comparison is needed: a
 * timing difference could at most reveal a prefix of a stored *hash*, and turning a hash
 * prefix into a secret means inverting SHA-256 over 256 random bits.
 */
export const authenticateWithCredentials =
  (database: Database): Authenticate =>
  async (request): Promise<Actor | null> => {
    const presented = presentedSecret(request);
    if (presented === null) return null;
    const found = await findActiveCredential(database.db, hashSecret(presented.secret));
    if (found === null) return null;
    if (found.kind === "integration") {
      return {
        kind: "integration",
        teamId: found.teamId as TeamId,
        credentialId: found.id as CredentialId,
      };
    }
    // A member token is a bearer token only: an API key header names integrations.
    if (presented.via !== "bearer" || found.member === null) return null;
    if (!isRole(found.member.role) || !isClient(found.client)) return null;
    return {
      kind: "member",
      teamId: found.teamId as TeamId,
      memberId: found.member.id as MemberId,
      name: found.member.name,
      role: found.member.role,
      client: found.client,
      credentialId: found.id as CredentialId,
    };
  };
