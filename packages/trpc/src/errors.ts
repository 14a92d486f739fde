import {
  type DomainError,
  type DomainErrorCode,
  fieldIssuesOf,
  isDomainError,
} from "@customer-panel/core";
import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import { Cause } from "effect";
import { ZodError } from "zod";

/**
 * Every domain error code → its tRPC code. Exhaustive: a new domain error does not
 * compile until it is mapped here.
 */
export const TRPC_CODE_OF: { readonly [C in DomainErrorCode]: TRPC_ERROR_CODE_KEY } = {
  VALIDATION_FAILED: "BAD_REQUEST",
  NOT_FOUND: "NOT_FOUND",
  ROLE_NOT_ALLOWED: "FORBIDDEN",
  FEATURE_NOT_ENABLED: "FORBIDDEN",
  CHANNEL_NOT_SUPPORTED: "FORBIDDEN",
  CLIENT_NOT_SUPPORTED: "FORBIDDEN",
  PHONE_LOCKED: "FORBIDDEN",
  REPORT_RANGE_TOO_LONG: "BAD_REQUEST",
  REPORT_RANGE_INVERTED: "BAD_REQUEST",
  INVALID_STATE_TRANSITION: "CONFLICT",
  CONVERSATION_BLOCKED: "FORBIDDEN",
  IDEMPOTENCY_KEY_REUSED: "CONFLICT",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
  CREDENTIAL_REVOKED: "UNAUTHORIZED",
  MEMBER_REMOVED: "UNAUTHORIZED",
  SUBSCRIBER_TOO_SLOW: "SERVICE_UNAVAILABLE",
  SERVER_SHUTTING_DOWN: "SERVICE_UNAVAILABLE",
};

/** A domain error as a tRPC error; the domain error rides along as the cause. */
export const toTRPCError = (error: DomainError): TRPCError =>
  new TRPCError({ code: TRPC_CODE_OF[error.code], message: error.message, cause: error });

/**
 * What a client reads for any failure that is not a domain error (a driver error, a bug):
 * the one message, whatever the transport (tRPC, downloads, the HTTP server's own 500).
 */
export const GENERIC_ERROR_MESSAGE = "Something went wrong on our side.";

/**
 * The one mapping of a failed use case: a domain failure becomes its tRPC error; anything
 * else an INTERNAL_SERVER_ERROR with {@link GENERIC_ERROR_MESSAGE}, the cause kept for logs.
 */
export const useCaseError = (cause: Cause.Cause<unknown>): TRPCError => {
  const failure = Cause.failureOption(cause);
  if (failure._tag === "Some" && isDomainError(failure.value)) return toTRPCError(failure.value);
  return new TRPCError({
    code: "INTERNAL_SERVER_ERROR",
    message: GENERIC_ERROR_MESSAGE,
    cause: Cause.squash(cause),
  });
};

/**
 * What a rejected `runUseCase` failed with: the domain error, or the unexpected
 * cause (for logs only). Any other value is answered as it is.
 */
export const failureOf = (error: unknown): unknown =>
  error instanceof TRPCError && error.cause !== undefined ? error.cause : error;

/** What the formatter adds to every error's `data`. */
export interface PanelErrorData {
  /** The stable domain code (X4), or null for transport-level errors (UNAUTHORIZED …). */
  readonly domainCode: DomainErrorCode | null;
  /** Offending fields of a rejected input, each with its message. */
  readonly fields: readonly { readonly field: string; readonly message: string }[];
}

/**
 * The error shape clients see: tRPC's, plus the domain code and field errors. An
 * unexpected failure (a driver error, a bug) answers a generic message: no SQL,
 * constraint name or driver text ever reaches a client. The stack (which may hold SQL and its
 * parameters) only when the host turned `exposeDetails` on — never by NODE_ENV.
 */
export const formatPanelError = <S extends { message: string; data: object }>(
  opts: { shape: S; error: TRPCError },
  exposeDetails: boolean,
): S & { data: PanelErrorData } => {
  const { shape, error } = opts;
  const cause = error.cause;
  let domainCode: DomainErrorCode | null = null;
  let fields: PanelErrorData["fields"] = [];
  let message = shape.message;
  if (isDomainError(cause)) {
    domainCode = cause.code;
    if (cause._tag === "ValidationFailed") fields = cause.issues;
    else if ("field" in cause && typeof cause.field === "string") {
      fields = [{ field: cause.field, message: cause.message }];
    }
  } else if (cause instanceof ZodError) {
    domainCode = "VALIDATION_FAILED";
    fields = fieldIssuesOf(cause);
    message = `Invalid input — ${fields.map((f) => `${f.field || "(input)"}: ${f.message}`).join("; ")}`;
  } else if (error.code === "INTERNAL_SERVER_ERROR") {
    message = GENERIC_ERROR_MESSAGE;
  }
  const data: Record<string, unknown> = { ...shape.data, domainCode, fields };
  delete data.stack;
  if (exposeDetails && error.stack !== undefined) data.stack = error.stack;
  return { ...shape, message, data: data as S["data"] & PanelErrorData };
};
