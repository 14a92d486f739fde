import { ingestRouter } from "./routers/ingest.js";
import { memberRouter } from "./routers/member.js";
import { createCallerFactory, router } from "./trpc.js";

/** The panel's router: the public surface of docs/spec.md, member- and integration-facing. */
export const appRouter = router({ ...memberRouter, ingest: ingestRouter });

/** The router's type, for `@trpc/client`. */
export type AppRouter = typeof appRouter;

/** Server-side calls without HTTP: `createCaller(createContextInner({ actor, services }))`. */
export const createCaller = createCallerFactory(appRouter);
