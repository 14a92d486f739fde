import { TRPC_CODE_OF } from "@customer-panel/trpc";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { DOMAIN_ERROR_CODES, domainCodeOf } from "../src/index.js";

const refusal = (data: unknown) =>
  TRPCClientError.from({ error: { code: -32004, message: "refused", data } } as never);

describe("X4 the domain code of a refusal, read by a client", () => {
  it("lists every code the server maps", () => {
    expect([...DOMAIN_ERROR_CODES].sort()).toEqual(Object.keys(TRPC_CODE_OF).sort());
  });

  it("reads the domain code of a tRPC error", () => {
    expect(domainCodeOf(refusal({ code: "NOT_FOUND", domainCode: "NOT_FOUND", fields: [] }))).toBe(
      "NOT_FOUND",
    );
  });

  it.each([
    ["a transport refusal (domainCode null)", refusal({ code: "UNAUTHORIZED", domainCode: null })],
    ["an unknown code", refusal({ code: "BAD_REQUEST", domainCode: "SOMETHING_ELSE" })],
    ["an error without data", refusal(undefined)],
    ["a plain Error", new Error("NOT_FOUND")],
    ["a non-error value", { data: { domainCode: "NOT_FOUND" } }],
  ])("is null for %s", (_name, error) => {
    expect(domainCodeOf(error)).toBeNull();
  });
});
