import { randomUUID } from "node:crypto";
import type http from "node:http";
import { type CallsReport, DOWNLOADS_PATH, TRPC_PATH } from "@customer-panel/trpc";
import type { Logger } from "pino";
import type { ServerMetrics } from "./metrics.js";

/** Options of {@link requestObserver}. */
export interface RequestObserverOptions {
  readonly logger: Logger;
  readonly metrics: ServerMetrics;
  /** Keep an incoming X-Request-Id (set by a trusted proxy); otherwise every id is new. */
  readonly trustProxy: boolean;
}

/** The server hooks that give every request an id, one log line and its metrics. */
export interface RequestObserver {
  readonly onRequest: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  readonly onCalls: (report: CallsReport) => void;
}

// An id is echoed and logged: only a short plain token is kept from outside.
const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

const requestIdOf = (req: http.IncomingMessage, trustProxy: boolean): string => {
  const incoming = req.headers["x-request-id"];
  return trustProxy && typeof incoming === "string" && REQUEST_ID.test(incoming)
    ? incoming
    : randomUUID();
};

/**
 * The path as logged: never a download token (it is a credential for the file) nor a
 * query string (it holds the input: ids, search text, personal data).
 */
const loggedPath = (url: string | undefined): string => {
  const path = new URL(url ?? "/", "http://localhost").pathname;
  if (path.startsWith(`${DOWNLOADS_PATH}/`)) return `${DOWNLOADS_PATH}/:token`;
  if (path.startsWith(`${TRPC_PATH}/`)) return TRPC_PATH;
  return path.length > 64 ? `${path.slice(0, 64)}…` : path;
};

/**
 * One JSON line per request when its response is over: request id, method, path, status,
 * duration, and for tRPC the procedures, their outcome codes, the team and member ids.
 * Never a header, a token, a query string, a body, or a client address (personal data).
 */
export const requestObserver = ({
  logger,
  metrics,
  trustProxy,
}: RequestObserverOptions): RequestObserver => {
  const reports = new WeakMap<http.IncomingMessage, CallsReport>();
  return {
    onRequest: (req, res) => {
      const started = performance.now();
      const requestId = requestIdOf(req, trustProxy);
      res.setHeader("x-request-id", requestId);
      res.once("close", () => {
        const seconds = (performance.now() - started) / 1000;
        const report = reports.get(req);
        const actor = report?.actor ?? null;
        for (const call of report?.calls ?? []) {
          metrics.call(call.path, call.outcome, report?.type === "subscription" ? null : seconds);
        }
        logger.info(
          {
            requestId,
            method: req.method,
            path: loggedPath(req.url),
            status: res.statusCode,
            durationMs: Math.round(seconds * 10_000) / 10,
            ...(report !== undefined && {
              type: report.type,
              procedures: report.calls.map((c) => c.path),
              outcomes: report.calls.map((c) => c.outcome),
            }),
            ...(actor !== null && {
              teamId: actor.teamId,
              ...(actor.kind === "member"
                ? { memberId: actor.memberId }
                : { integration: actor.credentialId }),
            }),
            // The response ended before it was complete (client left, shutdown deadline).
            ...(!res.writableFinished && { aborted: true }),
          },
          "request",
        );
      });
    },
    onCalls: (report) => {
      reports.set(report.req, report);
    },
  };
};
