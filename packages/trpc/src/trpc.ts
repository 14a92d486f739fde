import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { isIntegration, isMember, type PanelContext } from "./context.js";
import { formatPanelError } from "./errors.js";

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
