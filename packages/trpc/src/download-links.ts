import { createHash, randomBytes } from "node:crypto";
import type { MemberActor } from "@customer-panel/core";
import type { Database } from "@customer-panel/db";
import { type ExportQuota, insertDownloadLink } from "@customer-panel/db/repositories";
import type { DownloadLinks, DownloadRequest } from "./context.js";

/** Default path prefix of download links. */
export const DOWNLOADS_PATH = "/downloads";

/** Options of {@link createDownloadLinks}. */
export interface DownloadLinkOptions {
  /** How long a link works (default one minute). */
  readonly ttlMs?: number;
  /** Path prefix of the download route (default `/downloads`). */
  readonly basePath?: string;
  /** Public origin put in front of the path (default none: the link is a path). */
  readonly baseUrl?: string;
  /** The clock, epoch milliseconds (tests). */
  readonly now?: () => number;
}

/** SHA-256 of a link's token, hex: what the links table stores instead of the token. */
export const hashDownloadToken = (token: string): string =>
  createHash("sha256").update(token, "utf8").digest("hex");

/** 32 random bytes in base64url are exactly 43 characters. */
export const DOWNLOAD_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Opaque download links stored in the database: the URL carries 32 random bytes and
 * nothing else (no team, member, name or role); the table keeps their SHA-256 with who
 * made the link, with which credential, for what and until when. Any server process on
 * the database serves them. Making a link takes one export of the team's limit.
 */
export const createDownloadLinks = (
  database: Database,
  quota: ExportQuota,
  options: DownloadLinkOptions = {},
): DownloadLinks => {
  const ttlMs = options.ttlMs ?? 60_000;
  const basePath = options.basePath ?? DOWNLOADS_PATH;
  const now = options.now ?? Date.now;
  return {
    create: async (actor: MemberActor, request: DownloadRequest, fileName: string) => {
      const at = now();
      const token = randomBytes(32).toString("base64url");
      const expiresAt = new Date(at + ttlMs);
      const answer = await insertDownloadLink(
        database.db,
        {
          tokenHash: hashDownloadToken(token),
          teamId: actor.teamId,
          memberId: actor.memberId,
          credentialId: actor.credentialId ?? null,
          client: actor.client,
          request,
          fileName,
          expiresAt,
        },
        quota,
        new Date(at),
      );
      if (!answer.allowed) return answer;
      return {
        allowed: true,
        link: { url: `${options.baseUrl ?? ""}${basePath}/${token}`, fileName, expiresAt },
      };
    },
  };
};
