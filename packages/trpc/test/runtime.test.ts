import { NotFound, RateLimited } from "@customer-panel/core";
import { TRPCError } from "@trpc/server";
import { Context, Effect, Layer, ManagedRuntime } from "effect";
import { afterEach, describe, expect, it } from "vitest";
import { GENERIC_ERROR_MESSAGE } from "../src/errors.js";
import { runUseCase } from "../src/runtime.js";

class Greeting extends Context.Tag("test/Greeting")<Greeting, { readonly text: string }>() {}

/** A runtime built from a layer that counts its builds. */
const counted = () => {
  let builds = 0;
  const layer = Layer.effect(
    Greeting,
    Effect.sync(() => {
      builds++;
      return { text: "hello" };
    }),
  );
  return { runtime: ManagedRuntime.make(layer), builds: () => builds };
};

const rejection = async (promise: Promise<unknown>): Promise<TRPCError> => {
  const outcome = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(outcome instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${outcome}`);
  return outcome;
};

describe("runUseCase: one runtime, one error mapping (issue 15)", () => {
  let { runtime, builds } = counted();
  afterEach(async () => {
    await runtime.dispose();
    ({ runtime, builds } = counted());
  });

  it("answers the program's value, building the services once for every run", async () => {
    const greet = Effect.map(Greeting, (greeting) => greeting.text);
    expect(await runUseCase(runtime, greet)).toBe("hello");
    expect(await runUseCase(runtime, greet)).toBe("hello");
    expect(builds()).toBe(1);
  });

  it("turns a domain failure into its mapped tRPC error, the domain error as cause", async () => {
    const missing = NotFound.of("conversation");
    const error = await rejection(runUseCase(runtime, Effect.fail(missing)));
    expect(error.code).toBe("NOT_FOUND");
    expect(error.message).toBe(missing.message);
    expect(error.cause).toBe(missing);

    const limited = await rejection(runUseCase(runtime, Effect.fail(RateLimited.of(7))));
    expect(limited.code).toBe("TOO_MANY_REQUESTS");
  });

  it("turns a defect into INTERNAL_SERVER_ERROR with the one generic message, cause kept", async () => {
    const boom = new Error('relation "tag_applications" does not exist');
    const error = await rejection(runUseCase(runtime, Effect.die(boom)));
    expect(error.code).toBe("INTERNAL_SERVER_ERROR");
    expect(error.message).toBe(GENERIC_ERROR_MESSAGE);
    expect(error.cause).toBe(boom);
  });

  it("treats a typed failure that is not a domain error as unexpected too", async () => {
    const odd = new Error("not a domain error");
    const error = await rejection(runUseCase(runtime, Effect.fail(odd)));
    expect(error.code).toBe("INTERNAL_SERVER_ERROR");
    expect(error.message).toBe(GENERIC_ERROR_MESSAGE);
    expect(error.cause).toBe(odd);
  });

  it("refuses to run on a disposed runtime, as an unexpected failure", async () => {
    await runtime.dispose();
    const error = await rejection(runUseCase(runtime, Effect.succeed(1)));
    expect(error.code).toBe("INTERNAL_SERVER_ERROR");
    expect(error.message).toBe(GENERIC_ERROR_MESSAGE);
  });
});
