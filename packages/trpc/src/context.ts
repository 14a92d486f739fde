import type {
  Actor,
  ConversationId,
  IntegrationActor,
  Mailer,
  MemberActor,
  PanelChange,
  TeamId,
} from "@customer-panel/core";
import type { Database, DatabasePorts } from "@customer-panel/db";
import type { Layer } from "effect";

/** A request as authentication sees it: headers only (no body, no input). */
export interface AuthRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * The host's authentication: a request → the actor (team, member, role, client from
 * the credential — never from input), or null when it carries no valid credential.
 */
export type Authenticate = (request: AuthRequest) => Promise<Actor | null>;

/** What a signed download link stands for. */
export type DownloadRequest =
  | { readonly kind: "tagStats"; readonly from: string; readonly to: string }
  | { readonly kind: "tagRecords"; readonly from: string; readonly to: string }
  | { readonly kind: "conversation"; readonly conversationId: ConversationId };

/** A short-lived link to a CSV file, served beside the tRPC handler. */
export interface DownloadLink {
  readonly url: string;
  readonly fileName: string;
  readonly expiresAt: Date;
}

/** Signs download links for a member; the download route verifies them and authorises again. */
export interface DownloadSigner {
  /** A link valid for a short time, only for this member. */
  readonly sign: (actor: MemberActor, request: DownloadRequest, fileName: string) => DownloadLink;
}

/** Per-team limit on exports (R4, L7): true when one more is allowed now. */
export interface ExportLimiter {
  /** Counts one export for the team; answers how long to wait when over the limit. */
  readonly take: (
    teamId: TeamId,
  ) => { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };
}

/** One panel change with its resumable id (B6). */
export interface TrackedChange {
  readonly id: string;
  readonly change: PanelChange;
}

/** Live panel changes of one team, fanned out from PostgreSQL notifications (B6). */
export interface ChangeStream {
  /**
   * Changes of `teamId` (optionally of one conversation) from now on, after those
   * since `lastEventId` when given; ends when `signal` aborts.
   */
  readonly subscribe: (options: {
    readonly teamId: TeamId;
    readonly conversationId: ConversationId | null;
    readonly lastEventId: string | null;
    readonly signal: AbortSignal | undefined;
  }) => AsyncIterable<TrackedChange>;
}

/** Everything the procedures need besides the actor; built once per server. */
export interface PanelServices {
  readonly database: Database;
  /** core's ports on this database, plus the mailer. */
  readonly layer: Layer.Layer<DatabasePorts | Mailer>;
  readonly downloads: DownloadSigner;
  readonly exportLimiter: ExportLimiter;
  readonly changes: ChangeStream;
}

/** The tRPC context: who calls, and the services. */
export interface PanelContext {
  readonly actor: Actor | null;
  readonly services: PanelServices;
  /** D: unexpected errors show their stack to the client (a host's debugging switch; off). */
  readonly exposeErrorDetails?: boolean;
}

/** The transport-free context (server-side callers and tests). */
export const createContextInner = (opts: {
  readonly actor: Actor | null;
  readonly services: PanelServices;
}): PanelContext => ({ actor: opts.actor, services: opts.services });

/** True for a member actor. */
export const isMember = (actor: Actor | null): actor is MemberActor => actor?.kind === "member";

/** True for an integration actor. */
export const isIntegration = (actor: Actor | null): actor is IntegrationActor =>
  actor?.kind === "integration";
