import { Cause, Effect, Exit, type Layer, Option, TestClock, TestContext } from "effect";
import { expect } from "vitest";
import type { DomainErrorCode } from "../../src/index.js";
import type { AllPorts } from "./in-memory-ports.js";

/**
 * Running use cases in tests: the in-memory ports provided, effect's Clock pinned
 * to `at` (the TestClock of TestContext, which the use cases read through `Clock`).
 */

/** When a program runs: an instant or an ISO text. */
export type At = Date | string;

/** The default "now" of the tests: 2026-03-10 10:00 in Asia/Taipei. */
export const NOW = "2026-03-10T02:00:00.000Z";

const instant = (at: At): Date => (typeof at === "string" ? new Date(at) : at);

/** Runs `program` at `at` against `layer`, answering its Exit (never rejects on a domain error). */
export const runExit = <A, E>(
  layer: Layer.Layer<AllPorts>,
  program: Effect.Effect<A, E, AllPorts>,
  at: At,
): Promise<Exit.Exit<A, E>> =>
  Effect.runPromiseExit(
    TestClock.setTime(instant(at).getTime()).pipe(
      Effect.zipRight(program),
      Effect.provide(layer),
      Effect.provide(TestContext.TestContext),
    ),
  );

/** The failure of an Exit (a typed failure, not a defect), or a test failure. */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit))
    throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`);
  const failure = Cause.failureOption(exit.cause);
  if (Option.isNone(failure))
    throw new Error(`expected a failure, got ${Cause.pretty(exit.cause)}`);
  return failure.value;
};

/** The value of an Exit, or a test failure naming the cause. */
export const successOf = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isFailure(exit)) throw new Error(`expected success, got ${Cause.pretty(exit.cause)}`);
  return exit.value;
};

/** Asserts the Exit failed with the domain error `code` and returns that error. */
export const expectFailure = <A, E>(exit: Exit.Exit<A, E>, code: DomainErrorCode): E => {
  const error = failureOf(exit);
  expect(error).toMatchObject({ code });
  return error;
};

/** The code and message of a failed Exit: what a client would see (X2 compares these). */
export const answerOf = <A, E>(exit: Exit.Exit<A, E>): { code: unknown; message: unknown } => {
  const error = failureOf(exit) as { readonly code?: unknown; readonly message?: unknown };
  return { code: error.code, message: error.message };
};

/** Reads a streamed text file (CSV chunks) to one string. */
export const collectText = async (chunks: AsyncIterable<string>): Promise<string> => {
  let text = "";
  for await (const chunk of chunks) text += chunk;
  return text;
};

/** A runner bound to one world's layer. */
export const makeRunner = (layer: Layer.Layer<AllPorts>) => ({
  /** The Exit of `program` run at `at`. */
  exit: <A, E>(program: Effect.Effect<A, E, AllPorts>, options: { readonly at?: At } = {}) =>
    runExit(layer, program, options.at ?? NOW),
  /** The value of `program` run at `at`; a failure fails the test with its cause. */
  ok: async <A, E>(program: Effect.Effect<A, E, AllPorts>, options: { readonly at?: At } = {}) =>
    successOf(await runExit(layer, program, options.at ?? NOW)),
});
