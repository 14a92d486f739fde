/**
 * @customer-panel/client — a typed client of the customer panel's server, with no server code:
 * the router's types, the transformer, the error data and domain codes, and the links.
 */

// The wire contract the server shares: the tRPC path and the domain error codes.
export { DOMAIN_ERROR_CODES, type DomainErrorCode, TRPC_PATH } from "@customer-panel/core/contract";
export {
  createPanelClient,
  type EventSourceClass,
  type PanelClient,
  type PanelClientOptions,
  type PanelCredential,
  transformer,
} from "./create-panel-client.js";
export { domainCodeOf, type PanelErrorData } from "./domain-code.js";
export type { AppRouter, RouterInputs, RouterOutputs } from "./router-types.js";
