import http from "node:http";
import type { AddressInfo } from "node:net";
import { type Actor, isDomainError, RateLimited } from "@customer-panel/core";
import { TRPC_PATH } from "@customer-panel/core/contract";
import type { TRPCError } from "@trpc/server";
import type { Authenticate, PanelServices } from "./context.js";
import { GENERIC_ERROR_MESSAGE } from "./errors.js";
import { createTrpcHandler } from "./http-handler.js";
import { appRouter } from "./router.js";

/** Limits of the HTTP endpoint (tRPC's defaults are unlimited). */
export interface ServerLimits {
  /** Largest request body in bytes (default 1 MiB). */
  readonly maxBodySize?: number;
  /** Most calls in one batch (default 20). */
  readonly maxBatchSize?: number;
}

/** Handles a request tRPC does not (e.g. downloads); answers true when it did. */
export type ExtraRoute = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>;

/** One call of a tRPC request and how it ended: `OK`, the domain code, or tRPC's code. */
export interface ObservedCall {
  readonly path: string;
  readonly outcome: string;
}

/** What the server tells of a tRPC response once its status is decided (logs, metrics). */
export interface CallsReport {
  readonly req: http.IncomingMessage;
  readonly type: "query" | "mutation" | "subscription" | "unknown";
  /** Every call of the request (several in a batch); a subscription reports when it starts. */
  readonly calls: readonly ObservedCall[];
  /** Who made the request (null: not authenticated, or authentication failed). */
  readonly actor: Actor | null;
}

/** Options of {@link startPanelServer}. */
export interface PanelServerOptions extends ServerLimits {
  readonly services: PanelServices;
  readonly authenticate: Authenticate;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Routes served beside tRPC, tried first (downloads). */
  readonly routes?: readonly ExtraRoute[];
  /**
   * Called first, synchronously, for every request, before any route answers it (request
   * ids, access logs, metrics); it may set response headers.
   */
  readonly onRequest?: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  /** Called once per tRPC response with its calls, their outcomes and the actor. */
  readonly onCalls?: (report: CallsReport) => void;
  /** Called with every unexpected error (logs); never shown to clients. */
  readonly onError?: (error: unknown) => void;
  /**
   * D: answers to unexpected errors carry their stack (which can hold SQL and its parameters).
   * For a developer's own machine only; default false, whatever NODE_ENV says.
   */
  readonly exposeErrorDetails?: boolean;
}

/** A running server. */
export interface PanelServer {
  /** Base URL, e.g. `http://127.0.0.1:41234`; tRPC lives under `/trpc`. */
  readonly url: string;
  readonly server: http.Server;
  /** Stops accepting, ends open connections (SSE included) and waits. */
  readonly close: () => Promise<void>;
}

/** The longest wait any RATE_LIMITED error of a response asks for, in seconds, or null. */
const retryAfterOf = (errors: readonly TRPCError[]): number | null => {
  let wait: number | null = null;
  for (const error of errors) {
    const cause = error.cause;
    if (cause instanceof RateLimited) wait = Math.max(wait ?? 0, cause.retryAfterSeconds);
  }
  return wait;
};

const outcomeOf = (error: TRPCError | undefined): string => {
  if (error === undefined) return "OK";
  return isDomainError(error.cause) ? error.cause.code : error.code;
};

type AnsweredCall = {
  readonly error?: {
    readonly data?: { readonly code?: string; readonly domainCode?: string | null };
  };
};

/**
 * Each call with its outcome. A batch answered at once has one answer per call (its error
 * shape carries the codes); otherwise (a stream, a failure before the calls ran) the
 * errors tRPC collected stand for every call.
 */
const observedCalls = (
  paths: readonly string[],
  answers: readonly unknown[],
  errors: readonly TRPCError[],
): ObservedCall[] =>
  paths.map((path, i) => {
    if (answers.length !== paths.length) return { path, outcome: outcomeOf(errors[0]) };
    const data = (answers[i] as AnsweredCall).error?.data;
    if (data === undefined) return { path, outcome: "OK" };
    return { path, outcome: data.domainCode ?? data.code ?? "INTERNAL_SERVER_ERROR" };
  });

/** Starts the panel's HTTP server: tRPC (queries, mutations, SSE) under /trpc plus extra routes. */
export const startPanelServer = async (options: PanelServerOptions): Promise<PanelServer> => {
  // The request behind each context, for onCalls (tRPC's responseMeta sees the context only).
  const requestOf = new WeakMap<object, http.IncomingMessage>();
  const trpcHandler = createTrpcHandler({
    router: appRouter,
    basePath: `${TRPC_PATH}/`,
    maxBodySize: options.maxBodySize ?? 1024 * 1024,
    maxBatchSize: options.maxBatchSize ?? 20,
    createContext: async ({ req, res }) => {
      const context = {
        actor: await options.authenticate({ headers: req.headers }),
        services: options.services,
        disconnect: () => res.destroy(),
        exposeErrorDetails: options.exposeErrorDetails === true,
      };
      requestOf.set(context, req);
      return context;
    },
    // RATE_LIMITED says when to come back, as a header too (RFC 9110 Retry-After).
    responseMeta: ({ ctx, paths, type, data, errors }) => {
      const req = ctx === undefined ? undefined : requestOf.get(ctx);
      if (req !== undefined && options.onCalls !== undefined) {
        options.onCalls({
          req,
          type,
          calls: observedCalls(paths ?? [], data, errors),
          actor: ctx?.actor ?? null,
        });
      }
      const wait = retryAfterOf(errors);
      return wait === null ? {} : { headers: { "retry-after": String(wait) } };
    },
    onError: ({ error }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") options.onError?.(error.cause ?? error);
    },
  });
  const server = http.createServer(async (req, res) => {
    try {
      options.onRequest?.(req, res);
      for (const route of options.routes ?? []) {
        if (await route(req, res)) return;
      }
      if (req.url?.startsWith(`${TRPC_PATH}/`)) {
        trpcHandler(req, res);
        return;
      }
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found");
    } catch (error) {
      options.onError?.(error);
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(GENERIC_ERROR_MESSAGE);
    }
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve),
  );
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? "127.0.0.1";
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
