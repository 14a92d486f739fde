import { domainCodeOf } from "@customer-panel/client";
import { TRPCClientError } from "@trpc/client";

/** The message of each offending field of a refused call (X4), by field name. */
export const fieldErrorsOf = (error: unknown): Record<string, string> => {
  if (!(error instanceof TRPCClientError)) return {};
  const fields = (error.data as { fields?: { field: string; message: string }[] } | undefined)
    ?.fields;
  return Object.fromEntries((fields ?? []).map((f) => [f.field, f.message]));
};

/** A refusal as one line a member can read: the stable code and the server's message. */
export const describeError = (error: unknown): string => {
  if (error === null || error === undefined) return "";
  const code = domainCodeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  return code === null ? message : `${code}: ${message}`;
};
