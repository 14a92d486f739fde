import { TRPC_PATH } from "@customer-panel/core/contract";
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
} from "@trpc/client";
import { EventSource as FetchEventSource } from "eventsource";
import superjson from "superjson";
import type { AppRouter } from "./router-types.js";

/** The data transformer the panel's server uses: every client must send and read superjson. */
export const transformer = superjson;

/**
 * An EventSource class for `panel.onChange`. The default (the `eventsource` package) opens the
 * stream with `fetch`, so the credential header rides along in Node and in browsers alike.
 */
export type EventSourceClass = typeof FetchEventSource;

/** Who calls the panel: a member's bearer token or a team integration's API key. */
export type PanelCredential = { readonly token: string } | { readonly apiKey: string };

/** Where the panel is and who calls it. */
export type PanelClientOptions = {
  /** The server's base URL, e.g. `https://panel.example.com` (the tRPC path is appended). */
  readonly url: string;
  /** Replaces the EventSource used for subscriptions (it must accept a `fetch` init option). */
  readonly EventSource?: EventSourceClass;
} & PanelCredential;

/** A typed client of the panel's router. */
export type PanelClient = TRPCClient<AppRouter>;

const credentialHeaders = (options: PanelClientOptions): Record<string, string> =>
  "token" in options
    ? { authorization: `Bearer ${options.token}` }
    : { "x-api-key": options.apiKey };

/**
 * A typed client of the panel: queries and mutations batched over HTTP, subscriptions over
 * server-sent events, superjson both ways, the credential on every request.
 */
export const createPanelClient = (options: PanelClientOptions): PanelClient => {
  const headers = credentialHeaders(options);
  const url = `${options.url.replace(/\/+$/, "")}${TRPC_PATH}`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          transformer,
          EventSource: options.EventSource ?? FetchEventSource,
          eventSourceOptions: {
            fetch: (input, init) =>
              fetch(input, { ...init, headers: { ...init.headers, ...headers } }),
          },
        }),
        false: httpBatchLink({ url, transformer, headers }),
      }),
    ],
  });
};
