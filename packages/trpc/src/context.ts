import type {
  Actor,
  ConversationId,
  DomainError,
  IntegrationActor,
  MemberActor,
  PanelChange,
  TeamId,
} from "@customer-panel/core";
import type { Database } from "@customer-panel/db";
import type { ExportQuota } from "@customer-panel/db/repositories";
import type { PanelRuntime } from "./runtime.js";

/** A request as authentication sees it: headers only (no body, no input). */
export interface AuthRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/**
 * The host's authentication: a request → the actor (team, member, role, client from
 * the credential — never from input), or null when it carries no valid credential.
 */
export type Authenticate = (request: AuthRequest) => Promise<Actor | null>;

/** What a signed download link stands for; `format` absent means CSV (links stored before XLSX). */
export type DownloadRequest = (
  | { readonly kind: "tagStats"; readonly from: string; readonly to: string }
  | { readonly kind: "tagRecords"; readonly from: string; readonly to: string }
  | { readonly kind: "conversation"; readonly conversationId: ConversationId }
) & { readonly format?: "csv" | "xlsx" };

/** A short-lived link to a CSV or XLSX file, served beside the tRPC handler. */
export interface DownloadLink {
  readonly url: string;
  readonly fileName: string;
  readonly expiresAt: Date;
}

/**
 * Makes download links for a member. A link is a bearer link: whoever holds its URL may
 * download during its short lifetime, while its member is in the team, the credential
 * that made it is not revoked and the member's current role allows the export.
 */
export interface DownloadLinks {
  /** Takes one export of the team's limit and stores the link; refused when the limit is spent. */
  readonly create: (
    actor: MemberActor,
    request: DownloadRequest,
    fileName: string,
  ) => Promise<
    | { readonly allowed: true; readonly link: DownloadLink }
    | { readonly allowed: false; readonly retryAfterSeconds: number }
  >;
}

/** One panel change with its resumable id (B6). */
export interface TrackedChange {
  readonly id: string;
  readonly change: PanelChange;
}

/** What a subscriber asks the change stream for. */
export interface ChangeSubscription {
  readonly teamId: TeamId;
  readonly conversationId: ConversationId | null;
  readonly lastEventId: string | null;
  readonly signal: AbortSignal | undefined;
  /** Cuts the subscriber's connection (one that stopped reading can be ended no other way). */
  readonly disconnect?: (() => void) | undefined;
}

/** Live panel changes of one team, fanned out from PostgreSQL notifications (B6). */
export interface ChangeStream {
  /**
   * Changes of `teamId` (optionally of one conversation) from now on, after those
   * since `lastEventId` when given; ends when `signal` aborts, and fails with
   * SUBSCRIBER_TOO_SLOW when the subscriber falls too far behind.
   */
  readonly subscribe: (options: ChangeSubscription) => AsyncIterable<TrackedChange>;
}

/** Everything the procedures need besides the actor; built once per server. */
export interface PanelServices {
  readonly database: Database;
  /**
   * Runs the use cases: core's ports on this database, plus the mailer, built once.
   * Dispose of it (`runtime.dispose()`) when the host stops, after the server and worker.
   */
  readonly runtime: PanelRuntime;
  readonly downloads: DownloadLinks;
  /** The export limit of every team, kept in the database (one for every server process). */
  readonly exportQuota: ExportQuota;
  readonly changes: ChangeStream;
  /** Re-authorises open streams (issue 14 B). */
  readonly streamAccess: StreamAccess;
}

/** How long an open stream may keep going: ended by revocation, removal or a lost role. */
export interface StreamGrant {
  /** Aborts when the holder's access ended. */
  readonly signal: AbortSignal;
  /** Why it ended (null while it has not). */
  readonly ending: () => DomainError | null;
  /** Stops watching (the stream is over). */
  readonly release: () => void;
}

/** Watches the members holding open streams and ends the streams whose access ended. */
export interface StreamAccess {
  /** Starts watching one stream of `actor`. */
  readonly watch: (actor: MemberActor) => StreamGrant;
}

/** The tRPC context: who calls, and the services. */
export interface PanelContext {
  readonly actor: Actor | null;
  readonly services: PanelServices;
  /** Cuts this request's connection at once (set by the HTTP server; absent in-process). */
  readonly disconnect?: () => void;
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
