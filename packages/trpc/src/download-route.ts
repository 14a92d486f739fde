import type http from "node:http";
import {
  type Client,
  type CredentialId,
  exportConversationCsv,
  exportConversationXlsx,
  isDomainError,
  type MemberActor,
  type MemberId,
  NotFound,
  type TeamId,
  tagReportRecords,
  tagReportRecordsXlsx,
  tagReportStats,
  tagReportStatsXlsx,
  XLSX_CONTENT_TYPE,
  type XlsxWorkbook,
} from "@customer-panel/core";
import { Directory } from "@customer-panel/core/adapter";
import { type UsableDownloadLink, useDownloadLink } from "@customer-panel/db/repositories";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { Cause, Effect } from "effect";
import type { DownloadRequest, PanelServices } from "./context.js";
import { DOWNLOAD_TOKEN, DOWNLOADS_PATH, hashDownloadToken } from "./download-links.js";
import { createDownloadSlots, type DownloadSlotOptions } from "./download-slots.js";
import { failureOf, useCaseError } from "./errors.js";
import { runUseCase } from "./runtime.js";
import type { ExtraRoute } from "./server.js";
import { zipWorkbook } from "./xlsx-zip.js";

/** How one download ended, for logs and metrics. */
export interface DownloadOutcome {
  readonly kind: DownloadRequest["kind"];
  /**
   * `completed`: every chunk written; `aborted`: the client left; `stalled`: the client read
   * nothing for the stall timeout and was cut off; `failed`: reading failed.
   */
  readonly outcome: "completed" | "aborted" | "stalled" | "failed";
}

/** Options of {@link downloadRoute}. */
export interface DownloadRouteOptions extends DownloadSlotOptions {
  /** A download whose client drains nothing for this long is cut off (default 10 s). */
  readonly stallTimeoutMs?: number;
  /** Path prefix; must match the links' (default `/downloads`). */
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
  headers: Record<string, string> = {},
) => {
  res
    .writeHead(status, {
      ...BASE_HEADERS,
      ...headers,
      "content-type": "application/json; charset=utf-8",
    })
    .end(JSON.stringify(body));
};

/** 429 with `Retry-After`: the export limit is spent, or too many downloads stream now. */
const tooMany = (res: http.ServerResponse, reason: "limit" | "busy", retryAfterSeconds: number) =>
  sendJson(
    res,
    429,
    reason === "limit"
      ? {
          code: "RATE_LIMITED",
          message: `Too many exports; try again in ${retryAfterSeconds} s.`,
        }
      : {
          code: "TOO_MANY_DOWNLOADS",
          message: `Too many downloads at once; try again in ${retryAfterSeconds} s.`,
        },
    { "retry-after": String(retryAfterSeconds) },
  );

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

const CSV_CONTENT_TYPE = "text/csv; charset=utf-8";

/** A file to stream: its media type and bytes (CSV text chunks, or a zipped workbook's buffers). */
interface DownloadFile {
  readonly contentType: string;
  readonly chunks: AsyncIterable<string | Uint8Array>;
}

const csvFile = (chunks: AsyncIterable<string>): DownloadFile => ({
  contentType: CSV_CONTENT_TYPE,
  chunks,
});

const xlsxFile = (workbook: XlsxWorkbook): DownloadFile => ({
  contentType: XLSX_CONTENT_TYPE,
  chunks: zipWorkbook(workbook),
});

/**
 * The use case behind a link, run again with the member as they are now: a role,
 * feature or conversation removed since the link was made is honoured.
 */
const programOf = (link: UsableDownloadLink) =>
  Effect.gen(function* () {
    const directory = yield* Directory;
    const member = yield* directory.member(link.teamId as TeamId, link.memberId as MemberId);
    if (member === null) return yield* Effect.fail(NotFound.of("member"));
    // Team and client are those of the credential that made the link; role and name are current.
    const actor: MemberActor = {
      kind: "member",
      teamId: link.teamId as TeamId,
      memberId: link.memberId as MemberId,
      client: link.client as Client,
      role: member.role,
      name: member.name,
      ...(link.credentialId !== null && { credentialId: link.credentialId as CredentialId }),
    };
    const request = link.request as DownloadRequest;
    const xlsx = request.format === "xlsx";
    switch (request.kind) {
      case "tagStats": {
        if (xlsx)
          return {
            file: xlsxFile((yield* tagReportStatsXlsx(actor, request)).workbook),
            complete: null,
          };
        return { file: csvFile((yield* tagReportStats(actor, request)).chunks), complete: null };
      }
      case "tagRecords": {
        if (xlsx)
          return {
            file: xlsxFile((yield* tagReportRecordsXlsx(actor, request)).workbook),
            complete: null,
          };
        return { file: csvFile((yield* tagReportRecords(actor, request)).chunks), complete: null };
      }
      case "conversation": {
        if (xlsx) {
          const download = yield* exportConversationXlsx(actor, request);
          return { file: xlsxFile(download.workbook), complete: download.complete };
        }
        const download = yield* exportConversationCsv(actor, request);
        return { file: csvFile(download.chunks), complete: download.complete };
      }
    }
  });

/** How waiting for the client ended: it drained, it closed, or it stalled past the timeout. */
type Drain = "drained" | "closed" | "stalled";

/** Waits for the response to drain, at most `stallTimeoutMs`. */
const drainedOrClosed = (res: http.ServerResponse, stallTimeoutMs: number): Promise<Drain> =>
  new Promise((resolve) => {
    // A connection that closed before we started waiting will never say so again.
    if (res.destroyed) return resolve("closed");
    const done = (how: Drain) => () => {
      clearTimeout(timer);
      res.off("drain", onDrain);
      res.off("close", onClose);
      resolve(how);
    };
    const onDrain = done("drained");
    const onClose = done("closed");
    const timer = setTimeout(done("stalled"), stallTimeoutMs);
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

type Streamed = DownloadOutcome["outcome"];

/**
 * Writes chunks with backpressure; stops (closing the source, which frees its database
 * connection) when the client leaves or drains nothing for `stallTimeoutMs`.
 */
const streamChunks = async (
  res: http.ServerResponse,
  chunks: AsyncIterable<string | Uint8Array>,
  onError: (error: unknown) => void,
  stallTimeoutMs: number,
): Promise<Streamed> => {
  let closed = false;
  res.once("close", () => {
    closed = true;
  });
  try {
    for await (const chunk of chunks) {
      if (closed || res.destroyed) break;
      if (typeof chunk === "string" ? res.write(chunk, "utf8") : res.write(chunk)) continue;
      const drain = await drainedOrClosed(res, stallTimeoutMs);
      if (drain === "stalled") {
        // A client that reads nothing must not hold a connection of the pool.
        res.destroy();
        return "stalled";
      }
      if (drain === "closed") break;
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
 * `GET <basePath>/<token>`: looks the link up (any unusable link → 404, no detail: unknown,
 * expired, its member removed or its credential revoked), admits it within the per-process
 * and per-team bounds on concurrent downloads and, from its second use on, takes one export
 * of the team's limit (either refused → 429 with `Retry-After`, nothing consumed). It then
 * runs the export's use case again as the member is now (a domain refusal → its HTTP status
 * with `{ code, message }`) and streams the CSV or XLSX file with backpressure; a client that drains
 * nothing for the stall timeout is cut off. A conversation export is recorded (L7 last
 * export time) only after its last chunk was written.
 */
export const downloadRoute = (
  services: PanelServices,
  options: DownloadRouteOptions = {},
): ExtraRoute => {
  const basePath = options.basePath ?? DOWNLOADS_PATH;
  const onError = options.onError ?? (() => {});
  const slots = createDownloadSlots(options);
  const stallTimeoutMs = options.stallTimeoutMs ?? 10_000;
  if (!(stallTimeoutMs > 0)) throw new RangeError("stallTimeoutMs must be positive");
  // A busy client comes back after about one stall timeout, when a stalled slot is freed.
  const busyRetryAfterSeconds = Math.max(1, Math.ceil(stallTimeoutMs / 1000));
  return async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== basePath && !path.startsWith(`${basePath}/`)) return false;
    if (req.method !== "GET") {
      res.writeHead(405, { ...BASE_HEADERS, allow: "GET" }).end();
      return true;
    }
    const token = path.slice(basePath.length + 1);
    // Anything that can not be one of our tokens is refused before it reaches the database.
    if (!DOWNLOAD_TOKEN.test(token)) {
      notFound(res);
      return true;
    }
    let release: (() => void) | null = null;
    try {
      const use = await useDownloadLink(
        services.database.db,
        hashDownloadToken(token),
        services.exportQuota,
        {
          admit: (teamId) => {
            release = slots.tryAcquire(teamId);
            return release !== null;
          },
          busyRetryAfterSeconds,
        },
      );
      if (use === null) {
        notFound(res);
        return true;
      }
      if (!use.allowed) {
        tooMany(res, use.reason, use.retryAfterSeconds);
        return true;
      }
      await serveLink(res, services, use.link, onError, stallTimeoutMs, options.onSettled);
      return true;
    } finally {
      (release as (() => void) | null)?.();
    }
  };
};

/**
 * A use case's failure as the route's JSON answer, through the one error mapping: a
 * domain error's status, code and message; anything else 500 with the generic message,
 * the cause to the logs.
 */
const sendFailure = (res: http.ServerResponse, error: unknown, onError: (e: unknown) => void) => {
  const failure = error instanceof TRPCError ? error : useCaseError(Cause.die(error));
  const cause = failureOf(failure);
  if (!isDomainError(cause)) onError(cause);
  sendJson(res, getHTTPStatusCodeFromError(failure), {
    code: isDomainError(cause) ? cause.code : failure.code,
    message: failure.message,
  });
};

/** Runs the link's use case and streams its file. */
const serveLink = async (
  res: http.ServerResponse,
  services: PanelServices,
  link: UsableDownloadLink,
  onError: (error: unknown) => void,
  stallTimeoutMs: number,
  onSettled: ((outcome: DownloadOutcome) => void) | undefined,
): Promise<void> => {
  const download = await runUseCase(services.runtime, programOf(link)).catch((error: unknown) => {
    sendFailure(res, error, onError);
    return null;
  });
  if (download === null) return;
  res.writeHead(200, {
    ...BASE_HEADERS,
    "content-type": download.file.contentType,
    "content-disposition": contentDisposition(link.fileName),
  });
  const outcome = await streamChunks(res, download.file.chunks, onError, stallTimeoutMs);
  const { complete } = download;
  if (outcome === "completed" && complete !== null) {
    await runUseCase(services.runtime, complete).catch((error: unknown) =>
      onError(failureOf(error)),
    );
  }
  onSettled?.({ kind: (link.request as DownloadRequest).kind, outcome });
};
