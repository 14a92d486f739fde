import { isDomainError } from "@customer-panel/core";
import { builtContext } from "@customer-panel/db";
import { initTRPC, TRPCError } from "@trpc/server";
import { Cause, Effect, Exit } from "effect";
import superjson from "superjson";
import { isIntegration, isMember, type PanelContext } from "./context.js";
import { formatPanelError, toTRPCError } from "./errors.js";

// D (issue 14): NODE_ENV never decides what an answer shows. tRPC's own development mode is
// off for good; the stack appears only where the host turned `exposeErrorDetails` on. The
// formatter also runs where the context failed to build (no ctx): then nothing is exposed.
const t = initTRPC.context<PanelContext>().create({
  transformer: superjson,
  isDev: false,
  errorFormatter: (opts) => formatPanelError(opts, opts.ctx?.exposeErrorDetails === true),
});

/** Builds routers. */
export const router = t.router;
/** Server-side callers of a router. */
export const createCallerFactory = t.createCallerFactory;

/** A procedure for a signed-in member (UNAUTHORIZED without one; FORBIDDEN for an integration). */
export const memberProcedure = t.procedure.use(({ ctx, next }) => {
  if (ctx.actor === null) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first." });
  if (!isMember(ctx.actor)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "This procedure is for members." });
  }
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

/** A procedure for a team's server integration (API key, client `api`). */
export const integrationProcedure = t.procedure.use(({ ctx, next }) => {
  if (ctx.actor === null) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: "An API key is required." });
  }
  if (!isIntegration(ctx.actor)) {
    throw new TRPCError({ code: "FORBIDDEN", message: "This procedure is for integrations." });
  }
  return next({ ctx: { ...ctx, actor: ctx.actor } });
});

/**
 * Runs a core use case with the server's ports. A domain failure becomes its mapped
 * tRPC error; anything else (a defect) an INTERNAL_SERVER_ERROR whose cause is kept
 * for logs but never shown to the client.
 */
export const runUseCase = async <A, E, R>(
  ctx: PanelContext,
  program: Effect.Effect<A, E, R>,
): Promise<A> => {
  const exit = await Effect.runPromiseExit(
    program.pipe(Effect.provide(builtContext(ctx.services.layer))) as Effect.Effect<A, E, never>,
  );
  if (Exit.isSuccess(exit)) return exit.value;
  const failure = Cause.failureOption(exit.cause);
  if (failure._tag === "Some" && isDomainError(failure.value)) throw toTRPCError(failure.value);
  throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", cause: Cause.squash(exit.cause) });
};
