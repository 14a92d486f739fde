import type { AppRouter as ServerAppRouter } from "@customer-panel/trpc";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";

/**
 * The panel's router as its clients see it: every procedure's input, output and error shape.
 * Only the type: the published declaration carries it rolled up, without the server's code
 * or dependencies (see rollup.config.mjs).
 */
export type AppRouter = ServerAppRouter;

/** The input of every procedure, e.g. `RouterInputs["panel"]["get"]`. */
export type RouterInputs = inferRouterInputs<AppRouter>;

/** The output of every procedure, e.g. `RouterOutputs["panel"]["get"]`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
