import type http from "node:http";
import type { AnyTRPCRouter } from "@trpc/server";
import {
  createURL,
  incomingMessageToRequest,
  internal_exceptionHandler,
  type NodeHTTPHandlerOptions,
} from "@trpc/server/adapters/node-http";
import { resolveResponse } from "@trpc/server/http";

type Options<TRouter extends AnyTRPCRouter> = NodeHTTPHandlerOptions<
  TRouter,
  http.IncomingMessage,
  http.ServerResponse
> & {
  /** Where the procedures start, e.g. `/trpc/`. */
  readonly basePath: string;
};

const trimSlashes = (path: string) => path.replace(/^\//, "").replace(/\/$/, "");

const isAbort = (error: unknown) => error instanceof Error && error.name === "AbortError";

/** Writes one chunk, waiting for the socket to drain (or close) when its buffer is full. */
const writeChunk = (res: http.ServerResponse, chunk: Uint8Array) =>
  res.write(chunk)
    ? Promise.resolve()
    : new Promise<void>((resolve, reject) => {
        const settle = (error?: unknown) => {
          res.off("drain", settle).off("close", settle).off("error", settle);
          if (error instanceof Error) reject(error);
          else resolve();
        };
        res.once("drain", settle).once("close", settle).once("error", settle);
      });

/**
 * Copies a Fetch `Response` to Node's response. A plain JSON answer (a query, a mutation, a
 * batch, an error) is a string tRPC has already made: it is read whole and sent with one
 * `end()`. Only a stream (SSE, JSON lines) is piped chunk by chunk with backpressure, ending
 * when the client goes away.
 */
const writeResponse = async (
  response: Response,
  res: http.ServerResponse,
  signal: AbortSignal,
): Promise<void> => {
  // A status set before tRPC answered (by a route or a hook) stays, as in tRPC's adapter.
  if (res.statusCode === 200) res.statusCode = response.status;
  response.headers.forEach((value, key) => {
    if (key !== "set-cookie") res.setHeader(key, value);
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  const streamed =
    response.headers.get("content-type") !== "application/json" ||
    response.headers.has("transfer-encoding");
  try {
    if (!streamed) {
      res.end(Buffer.from(await response.arrayBuffer()));
      return;
    }
    if (response.body !== null) {
      await response.body.pipeTo(new WritableStream({ write: (chunk) => writeChunk(res, chunk) }), {
        signal,
      });
    }
  } catch (error) {
    if (!isAbort(error)) {
      if (!res.headersSent) res.statusCode = 500;
      throw error;
    }
  } finally {
    if (!res.writableEnded) res.end();
  }
};

/**
 * tRPC's standalone handler (`createHTTPHandler`) with the same options and answers, minus
 * one step: tRPC's node adapter writes every answer — also a JSON answer that is already one
 * string — through a `WritableStream` and `pipeTo` (promises and web-stream objects per
 * request, and a chunked response); here such an answer is sent with one `end()` and its
 * Content-Length (issue 19 item 1). The request side is tRPC's own
 * (`incomingMessageToRequest`, `resolveResponse`), so inputs, batching, limits, content
 * types, errors and SSE are decided by tRPC exactly as before.
 */
export const createTrpcHandler = <TRouter extends AnyTRPCRouter>(options: Options<TRouter>) => {
  const basePath = trimSlashes(options.basePath);
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const handled = { ...options, req, res, path: "" };
    const answer = async () => {
      handled.path = trimSlashes(trimSlashes(createURL(req).pathname).slice(basePath.length));
      const request = incomingMessageToRequest(req, res, {
        maxBodySize: options.maxBodySize ?? null,
      });
      const response = await resolveResponse({
        ...handled,
        req: request,
        error: null,
        createContext: async (inner) => await options.createContext?.({ req, res, ...inner }),
        onError: (details) => options.onError?.({ ...details, req }),
      });
      await writeResponse(response, res, request.signal);
    };
    answer().catch(internal_exceptionHandler(handled));
  };
};
