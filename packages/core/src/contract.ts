/**
 * @customer-panel/core/contract — what the server and its clients agree on, importing
 * nothing at run time: the path the tRPC handler is mounted at and the stable domain error
 * codes (X4). A browser client imports this entry and so carries no rule, no effect, no zod.
 */
import type { DomainErrorCode } from "./domain/errors.js";

/** Path prefix of the tRPC handler on the panel's server (`<base URL>/trpc`). */
export const TRPC_PATH = "/trpc";

/** Every domain error code, for exhaustive maps (`Record<DomainErrorCode, …>`), clients and docs. */
export const DOMAIN_ERROR_CODES = [
  "VALIDATION_FAILED",
  "NOT_FOUND",
  "ROLE_NOT_ALLOWED",
  "FEATURE_NOT_ENABLED",
  "CHANNEL_NOT_SUPPORTED",
  "CLIENT_NOT_SUPPORTED",
  "PHONE_LOCKED",
  "REPORT_RANGE_TOO_LONG",
  "REPORT_RANGE_INVERTED",
  "INVALID_STATE_TRANSITION",
  "CONVERSATION_BLOCKED",
  "IDEMPOTENCY_KEY_REUSED",
  "RATE_LIMITED",
  "CREDENTIAL_REVOKED",
  "MEMBER_REMOVED",
  "SUBSCRIBER_TOO_SLOW",
  "SERVER_SHUTTING_DOWN",
] as const satisfies readonly DomainErrorCode[];

export type { DomainErrorCode };
