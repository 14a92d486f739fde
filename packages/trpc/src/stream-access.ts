import {
  CredentialRevoked,
  can,
  type DomainError,
  type MemberActor,
  MemberRemoved,
  type Role,
  RoleNotAllowed,
} from "@customer-panel/core";
import type { Database } from "@customer-panel/db";
import { type HolderStanding, holderStanding, memberKey } from "@customer-panel/db/repositories";
import type { StreamAccess, StreamGrant } from "./context.js";

/** Options of {@link createStreamAccess}. */
export interface StreamAccessOptions {
  /** Time between two re-checks of every open stream, in ms (default 2 000). */
  readonly intervalMs?: number;
  /** Called when a re-check fails (the database is down); the streams stay open. */
  readonly onError?: (error: unknown) => void;
}

/**
 * Issue 14 B: why a member's access to live changes ended, or null while it holds —
 * the member is gone, its credential is revoked or gone, or its role no longer has
 * `panel.view` (core's matrix decides).
 */
export const accessEnding = (actor: MemberActor, standing: HolderStanding): DomainError | null => {
  const role = standing.roles.get(memberKey(actor.teamId, actor.memberId));
  if (role === undefined) return MemberRemoved.make();
  if (actor.credentialId !== undefined && !standing.activeCredentials.has(actor.credentialId)) {
    return CredentialRevoked.make();
  }
  if (!can(role, "panel.view").allowed) return RoleNotAllowed.of("panel.view", role as Role);
  return null;
};

interface Watched {
  readonly actor: MemberActor;
  readonly controller: AbortController;
  ending: DomainError | null;
}

/**
 * One re-authoriser per process: every `intervalMs`, ONE batched look-up (db's
 * `holderStanding`: two statements whatever the number of streams) re-checks the member
 * and credential behind every open stream, and aborts the grants whose access ended. The
 * timer runs only while streams are open. A failed look-up ends nothing (an outage is not
 * a revocation) and is retried at the next tick.
 */
export const createStreamAccess = (
  database: Database,
  { intervalMs = 2_000, onError }: StreamAccessOptions = {},
): StreamAccess => {
  const watched = new Set<Watched>();
  let timer: NodeJS.Timeout | null = null;
  let checking = false;

  const check = async () => {
    if (checking || watched.size === 0) return;
    checking = true;
    try {
      const current = [...watched];
      const standing = await holderStanding(
        database.db,
        current.map(({ actor }) => ({
          teamId: actor.teamId,
          memberId: actor.memberId,
          credentialId: actor.credentialId ?? null,
        })),
      );
      for (const entry of current) {
        if (entry.ending !== null) continue;
        const ending = accessEnding(entry.actor, standing);
        if (ending === null) continue;
        entry.ending = ending;
        watched.delete(entry);
        entry.controller.abort(ending);
      }
    } catch (error) {
      onError?.(error);
    } finally {
      checking = false;
      if (watched.size === 0 && timer !== null) {
        clearInterval(timer);
        timer = null;
      }
    }
  };

  return {
    watch: (actor): StreamGrant => {
      const entry: Watched = { actor, controller: new AbortController(), ending: null };
      watched.add(entry);
      if (timer === null) {
        timer = setInterval(() => void check(), intervalMs);
        timer.unref?.();
      }
      return {
        signal: entry.controller.signal,
        ending: () => entry.ending,
        release: () => {
          watched.delete(entry);
          if (watched.size === 0 && timer !== null && !checking) {
            clearInterval(timer);
            timer = null;
          }
        },
      };
    },
  };
};
