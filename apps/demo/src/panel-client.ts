import { type AppRouter, TRPC_PATH } from "@customer-panel/trpc";
import {
  createTRPCClient,
  httpBatchLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from "@trpc/client";
import { EventSource } from "eventsource";
import superjson from "superjson";

/** How a client presents its secret: a member's bearer token or a team integration's API key. */
export type Credential =
  | { readonly bearer: string }
  | { readonly apiKey: string }
  | { readonly none: true };

const headersOf = (credential: Credential): Record<string, string> => {
  if ("bearer" in credential) return { authorization: `Bearer ${credential.bearer}` };
  if ("apiKey" in credential) return { "x-api-key": credential.apiKey };
  return {};
};

/**
 * A typed @trpc/client of the panel, as an app would build it: queries and mutations
 * batched over HTTP, `panel.onChange` over SSE. Node 20 has no global EventSource, so the
 * `eventsource` package is passed in, and the credential rides on its `fetch`.
 */
export const panelClient = (baseUrl: string, credential: Credential) => {
  const headers = headersOf(credential);
  const url = `${baseUrl}${TRPC_PATH}`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url,
          transformer: superjson,
          EventSource,
          eventSourceOptions: {
            fetch: (input, init) =>
              fetch(input, { ...init, headers: { ...init?.headers, ...headers } }),
          },
        }),
        false: httpBatchLink({ url, transformer: superjson, headers }),
      }),
    ],
  });
};

/** A typed client of the panel. */
export type PanelClient = ReturnType<typeof panelClient>;

/** A refusal as the wire carries it: the stable domain code (X4) and the human message. */
export interface Refusal {
  readonly code: string;
  readonly message: string;
}

/** The refusal a tRPC call failed with, or null when the error is not a tRPC answer. */
export const refusalOf = (error: unknown): Refusal | null => {
  if (!(error instanceof TRPCClientError)) return null;
  const data = error.data as { domainCode?: string | null; code?: string } | undefined;
  return { code: data?.domainCode ?? data?.code ?? "UNKNOWN", message: error.message };
};
