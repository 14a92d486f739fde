import { createHmac, timingSafeEqual } from "node:crypto";
import type http from "node:http";
import {
  Directory,
  exportConversationCsv,
  isDomainError,
  type MemberActor,
  NotFound,
  tagReportRecords,
  tagReportStats,
} from "@customer-panel/core";
import { builtContext } from "@customer-panel/db";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { Cause, Effect, Exit } from "effect";
import type { DownloadRequest, DownloadSigner, PanelServices } from "./context.js";
import { toTRPCError } from "./errors.js";
import type { ExtraRoute } from "./server.js";

/** What a download token carries, signed: who asked, for what, until when. */
export interface DownloadTokenPayload {
  readonly v: 1;
  readonly actor: MemberActor;
  readonly request: DownloadRequest;
  readonly fileName: string;
  /** Expiry, epoch milliseconds. */
  readonly exp: number;
}

/** Options of {@link createDownloadSigner}. */
export interface DownloadSignerOptions {
  /** HMAC key shared by every server process that serves the links (at least 32 bytes). */
  readonly secret: string | Uint8Array;
  /** How long a link works (default one minute). */
  readonly ttlMs?: number;
  /** Path prefix of the download route (default `/downloads`). */
  readonly basePath?: string;
  /** Public origin put in front of the path (default none: the link is a path). */
  readonly baseUrl?: string;
  /** The clock, epoch milliseconds (tests). */
  readonly now?: () => number;
}

/** Default path prefix of download links. */
export const DOWNLOADS_PATH = "/downloads";

const keyOf = (secret: string | Uint8Array): Buffer => {
  const key = typeof secret === "string" ? Buffer.from(secret, "utf8") : Buffer.from(secret);
  // A short key makes every link forgeable by brute force.
  if (key.length < 32) throw new RangeError("the download secret must be at least 32 bytes");
  return key;
};

const macOf = (key: Buffer, payload: string): Buffer =>
  createHmac("sha256", key).update(payload, "ascii").digest();

/**
 * Signs stateless, expiring download links (base64url JSON payload "." base64url
 * HMAC-SHA256), so any server process sharing the secret accepts them.
 */
export const createDownloadSigner = (options: DownloadSignerOptions): DownloadSigner => {
  const key = keyOf(options.secret);
  const ttlMs = options.ttlMs ?? 60_000;
  const basePath = options.basePath ?? DOWNLOADS_PATH;
  const now = options.now ?? Date.now;
  return {
    sign: (actor, request, fileName) => {
      const exp = now() + ttlMs;
      const payload: DownloadTokenPayload = { v: 1, actor, request, fileName, exp };
      const encoded = Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
      const token = `${encoded}.${macOf(key, encoded).toString("base64url")}`;
      return {
        url: `${options.baseUrl ?? ""}${basePath}/${token}`,
        fileName,
        expiresAt: new Date(exp),
      };
    },
  };
};

const BASE64URL = /^[A-Za-z0-9_-]+$/;

const isPayload = (value: unknown): value is DownloadTokenPayload => {
  if (typeof value !== "object" || value === null) return false;
  const p = value as Record<string, unknown>;
  const actor = p.actor as Record<string, unknown> | null | undefined;
  const request = p.request as Record<string, unknown> | null | undefined;
  return (
    p.v === 1 &&
    typeof p.exp === "number" &&
    typeof p.fileName === "string" &&
    typeof actor === "object" &&
    actor?.kind === "member" &&
    typeof request === "object" &&
    typeof request?.kind === "string"
  );
};

/**
 * The payload of a valid, unexpired token, or null for anything else (malformed, forged,
 * tampered, expired). The MAC is compared in constant time.
 */
export const verifyDownloadToken = (
  secret: string | Uint8Array,
  token: string,
  now: number = Date.now(),
): DownloadTokenPayload | null => {
  const parts = token.split(".");
  const [encoded, mac] = parts;
  if (parts.length !== 2 || encoded === undefined || mac === undefined) return null;
  if (!BASE64URL.test(encoded) || !BASE64URL.test(mac)) return null;
  const expected = macOf(keyOf(secret), encoded);
  const given = Buffer.from(mac, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!isPayload(payload) || payload.exp <= now) return null;
  return payload;
};

/** How one download ended, for logs and metrics. */
export interface DownloadOutcome {
  readonly kind: DownloadRequest["kind"];
  /** `completed`: every chunk written; `aborted`: the client left; `failed`: reading failed. */
  readonly outcome: "completed" | "aborted" | "failed";
}

/** Options of {@link downloadRoute}. */
export interface DownloadRouteOptions {
  /** Path prefix; must match the signer's (default `/downloads`). */
  readonly basePath?: string;
  /** Unexpected failures (logs); never shown to the client. */
  readonly onError?: (error: unknown) => void;
  /** Called once a streamed download has ended, however it ended. */
  readonly onSettled?: (outcome: DownloadOutcome) => void;
}

const BASE_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  // The token is in the path: a page opened from the file must not receive it as referrer.
  "referrer-policy": "no-referrer",
} as const;

const sendJson = (
  res: http.ServerResponse,
  status: number,
  body: { code: string; message: string },
) => {
  res
    .writeHead(status, { ...BASE_HEADERS, "content-type": "application/json; charset=utf-8" })
    .end(JSON.stringify(body));
};

// One answer for every unusable link: a caller learns nothing about why.
const notFound = (res: http.ServerResponse) =>
  sendJson(res, 404, {
    code: "NOT_FOUND",
    message: "This download link is not valid or has expired.",
  });

/** `attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>` (RFC 6266). */
export const contentDisposition = (fileName: string): string => {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
};

/**
 * The use case behind a link, run again with the member as they are now: a role,
 * feature or conversation removed since the link was made is honoured.
 */
const programOf = (tokenActor: MemberActor, request: DownloadRequest) =>
  Effect.gen(function* () {
    const directory = yield* Directory;
    const member = yield* directory.member(tokenActor.teamId, tokenActor.memberId);
    if (member === null) return yield* Effect.fail(NotFound.of("member"));
    // Team and client stay those of the credential that asked; role and name are current.
    const actor: MemberActor = { ...tokenActor, role: member.role, name: member.name };
    switch (request.kind) {
      case "tagStats": {
        const download = yield* tagReportStats(actor, request);
        return { chunks: download.chunks, complete: null };
      }
      case "tagRecords": {
        const download = yield* tagReportRecords(actor, request);
        return { chunks: download.chunks, complete: null };
      }
      case "conversation": {
        const download = yield* exportConversationCsv(actor, request);
        return { chunks: download.chunks, complete: download.complete };
      }
    }
  });

/** Resolves true when the response drained, false when the connection closed first. */
const drainedOrClosed = (res: http.ServerResponse): Promise<boolean> =>
  new Promise((resolve) => {
    // A connection that closed before we started waiting will never say so again.
    if (res.destroyed) return resolve(false);
    const done = (drained: boolean) => () => {
      res.off("drain", onDrain);
      res.off("close", onClose);
      resolve(drained);
    };
    const onDrain = done(true);
    const onClose = done(false);
    res.once("drain", onDrain);
    res.once("close", onClose);
  });

/** Ends the response; true once every byte was handed to the connection, false if it closed first. */
const ended = (res: http.ServerResponse): Promise<boolean> =>
  new Promise((resolve) => {
    res.once("finish", () => resolve(true));
    res.once("close", () => resolve(res.writableFinished));
    res.end();
  });

type Streamed = "completed" | "aborted" | "failed";

/** Writes chunks with backpressure; stops (closing the source) when the client leaves. */
const streamChunks = async (
  res: http.ServerResponse,
  chunks: AsyncIterable<string>,
  onError: (error: unknown) => void,
): Promise<Streamed> => {
  let closed = false;
  res.once("close", () => {
    closed = true;
  });
  try {
    for await (const chunk of chunks) {
      if (closed || res.destroyed) break;
      if (!res.write(chunk, "utf8") && !(await drainedOrClosed(res))) break;
    }
  } catch (error) {
    onError(error);
    // Headers are gone: cutting the connection is the only way to say the file is incomplete.
    res.destroy();
    return "failed";
  }
  if (closed || res.destroyed) return "aborted";
  return (await ended(res)) ? "completed" : "aborted";
};

/**
 * `GET <basePath>/<token>`: verifies the link (any unusable link → 404, no detail), runs
 * the export's use case again as the member is now (a domain refusal → its HTTP status
 * with `{ code, message }`), then streams the CSV with backpressure. A conversation
 * export is recorded (L7 last export time) only after its last chunk was written.
 */
export const downloadRoute = (
  services: PanelServices,
  secret: string | Uint8Array,
  options: DownloadRouteOptions = {},
): ExtraRoute => {
  const basePath = options.basePath ?? DOWNLOADS_PATH;
  // A short secret fails at start-up rather than on the first download.
  keyOf(secret);
  const onError = options.onError ?? (() => {});
  return async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== basePath && !path.startsWith(`${basePath}/`)) return false;
    if (req.method !== "GET") {
      res.writeHead(405, { ...BASE_HEADERS, allow: "GET" }).end();
      return true;
    }
    const token = path.slice(basePath.length + 1);
    const payload = token.includes("/") ? null : verifyDownloadToken(secret, token);
    if (payload === null) {
      notFound(res);
      return true;
    }
    const exit = await Effect.runPromiseExit(
      programOf(payload.actor, payload.request).pipe(Effect.provide(builtContext(services.layer))),
    );
    if (Exit.isFailure(exit)) {
      const failure = Cause.failureOption(exit.cause);
      if (failure._tag === "Some" && isDomainError(failure.value)) {
        const error = failure.value;
        sendJson(res, getHTTPStatusCodeFromError(toTRPCError(error)), {
          code: error.code,
          message: error.message,
        });
      } else {
        onError(Cause.squash(exit.cause));
        sendJson(res, 500, {
          code: "INTERNAL_SERVER_ERROR",
          message: "Something went wrong on our side.",
        });
      }
      return true;
    }
    res.writeHead(200, {
      ...BASE_HEADERS,
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": contentDisposition(payload.fileName),
    });
    const outcome = await streamChunks(res, exit.value.chunks, onError);
    const { complete } = exit.value;
    if (outcome === "completed" && complete !== null) {
      const recorded = await Effect.runPromiseExit(
        complete.pipe(Effect.provide(builtContext(services.layer))),
      );
      if (Exit.isFailure(recorded)) onError(Cause.squash(recorded.cause));
    }
    options.onSettled?.({ kind: payload.request.kind, outcome });
    return true;
  };
};
