import type { Mailer } from "@customer-panel/core/adapter";
import type { DatabasePorts } from "@customer-panel/db";
import { type Effect, Exit, type ManagedRuntime } from "effect";
import { useCaseError } from "./errors.js";

/** Every service the panel's use cases may ask for: core's ports on the database, and the mailer. */
export type PanelPorts = DatabasePorts | Mailer;

/**
 * The panel's runtime: its ports built once (on first use) and shared by every request,
 * download and export job of a server. Whoever made it disposes of it (`dispose()`) when
 * the host stops; a run on a disposed runtime fails as an unexpected error.
 */
export type PanelRuntime = ManagedRuntime.ManagedRuntime<PanelPorts, never>;

/**
 * Runs a use case on a runtime — the one way the panel runs one (procedures, downloads,
 * the export worker). The program may need only services the runtime provides (`R
 * extends P`): a program that needs one it lacks does not compile.
 *
 * Resolves to the program's value; rejects with the one error mapping ({@link
 * useCaseError}): a domain failure as its tRPC error, anything else as an
 * INTERNAL_SERVER_ERROR with the generic message and the cause kept for logs.
 */
export const runUseCase = async <A, E, R extends P, P>(
  runtime: ManagedRuntime.ManagedRuntime<P, never>,
  program: Effect.Effect<A, E, R>,
): Promise<A> => {
  const exit = await runtime.runPromiseExit(program);
  if (Exit.isSuccess(exit)) return exit.value;
  throw useCaseError(exit.cause);
};
