import { sql } from "drizzle-orm";
import type { Db } from "../database.js";
import { rowsOf } from "../transaction.js";
import { type ExportQuota, type QuotaAnswer, takeExportQuota } from "./export-quota.js";

/** A link to store: the token's hash, never the token. */
export interface NewDownloadLink {
  readonly tokenHash: string;
  readonly teamId: string;
  readonly memberId: string;
  readonly credentialId: string | null;
  readonly client: string;
  readonly request: unknown;
  readonly fileName: string;
  readonly expiresAt: Date;
}

/** A usable link as its download sees it: what was stored, with the member as they are now. */
export interface UsableDownloadLink extends Omit<NewDownloadLink, "tokenHash" | "expiresAt"> {
  readonly member: { readonly name: string; readonly role: string };
}

// Expired links a new link sweeps away at most: the table stays bounded, each insert cheap.
const SWEEP_BATCH = 100;

/**
 * Takes one export of the team's quota and stores the link in one transaction, sweeping
 * up to 100 expired links; a refusal stores and takes nothing.
 */
export const insertDownloadLink = (
  db: Db,
  link: NewDownloadLink,
  quota: ExportQuota,
  now: Date = new Date(),
): Promise<QuotaAnswer> =>
  db.transaction(async (txHandle) => {
    const tx = txHandle as unknown as Db;
    const answer = await takeExportQuota(tx, link.teamId, quota, now);
    if (!answer.allowed) return answer;
    await tx.execute(sql`
      delete from download_links where token_hash in (
        select token_hash from download_links where expires_at <= ${now.toISOString()}::timestamptz
        order by expires_at limit ${SWEEP_BATCH})
    `);
    await tx.execute(sql`
      insert into download_links (token_hash, team_id, member_id, credential_id, client,
        request, file_name, expires_at)
      values (${link.tokenHash}, ${link.teamId}::uuid, ${link.memberId}::uuid,
        ${link.credentialId}::uuid, ${link.client}, ${JSON.stringify(link.request)}::jsonb,
        ${link.fileName}, ${link.expiresAt.toISOString()}::timestamptz)
    `);
    return answer;
  });

/** What using a link answers: unusable (null), refused by the export limit, or usable. */
export type DownloadLinkUse =
  | null
  | {
      readonly allowed: false;
      /** `limit`: the team's export limit is spent; `busy`: `admit` refused (too many downloads). */
      readonly reason: "limit" | "busy";
      readonly retryAfterSeconds: number;
    }
  | { readonly allowed: true; readonly link: UsableDownloadLink };

/**
 * Uses a link, in one transaction: it must exist, be unexpired, its member must still be
 * in the team and the credential that made it not revoked. The first use was paid for when
 * the link was made; every further use takes one export of the team's quota, and a refusal
 * leaves the link's count as it was. `admit` is asked (with the team) before anything is
 * written: false refuses the use as `busy`, writing nothing.
 */
export const useDownloadLink = (
  db: Db,
  tokenHash: string,
  quota: ExportQuota,
  options: {
    readonly now?: Date;
    readonly admit?: (teamId: string) => boolean;
    readonly busyRetryAfterSeconds?: number;
  } = {},
): Promise<DownloadLinkUse> =>
  db.transaction(async (txHandle) => {
    const tx = txHandle as unknown as Db;
    const now = options.now ?? new Date();
    const [row] = await rowsOf<{
      team_id: string;
      member_id: string;
      credential_id: string | null;
      client: string;
      request: unknown;
      file_name: string;
      uses: number;
      name: string;
      role: string;
    }>(
      tx,
      sql`
        select l.team_id, l.member_id, l.credential_id, l.client, l.request, l.file_name,
          l.uses, m.name, m.role
        from download_links l
        join members m on m.team_id = l.team_id and m.id = l.member_id
        left join credentials c on c.id = l.credential_id and c.team_id = l.team_id
        where l.token_hash = ${tokenHash}
          and l.expires_at > ${now.toISOString()}::timestamptz
          and (l.credential_id is null or (c.id is not null and c.revoked_at is null))
        for update of l
      `,
    );
    if (row === undefined) return null;
    if (options.admit !== undefined && !options.admit(row.team_id)) {
      return {
        allowed: false,
        reason: "busy",
        retryAfterSeconds: options.busyRetryAfterSeconds ?? 1,
      };
    }
    if (row.uses >= 1) {
      const answer = await takeExportQuota(tx, row.team_id, quota, now);
      if (!answer.allowed) return { ...answer, reason: "limit" };
    }
    await tx.execute(
      sql`update download_links set uses = uses + 1 where token_hash = ${tokenHash}`,
    );
    return {
      allowed: true,
      link: {
        teamId: row.team_id,
        memberId: row.member_id,
        credentialId: row.credential_id,
        client: row.client,
        request: typeof row.request === "string" ? JSON.parse(row.request) : row.request,
        fileName: row.file_name,
        member: { name: row.name, role: row.role },
      },
    };
  });
