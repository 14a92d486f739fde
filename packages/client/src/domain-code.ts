import { DOMAIN_ERROR_CODES, type DomainErrorCode } from "@customer-panel/core/contract";
import type { PanelErrorData } from "@customer-panel/trpc";
import { TRPCClientError } from "@trpc/client";

export type { PanelErrorData };

const isDomainErrorCode = (value: unknown): value is DomainErrorCode =>
  (DOMAIN_ERROR_CODES as readonly unknown[]).includes(value);

/**
 * The stable domain code (X4) a call was refused with, e.g. `"NOT_FOUND"`; null when the
 * error is not a panel answer or carries no domain code (a transport refusal such as a
 * missing credential: read `error.data.code` for those).
 */
export const domainCodeOf = (error: unknown): DomainErrorCode | null => {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  if (typeof data !== "object" || data === null || !("domainCode" in data)) return null;
  return isDomainErrorCode(data.domainCode) ? data.domainCode : null;
};
