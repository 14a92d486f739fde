import {
  IngestIdentityBoundInput,
  IngestMemberLoginInput,
  IngestMessageInput,
  IngestOmoBindingInput,
  IngestOrdersInput,
  IngestPageClosedInput,
  IngestPageVisitInput,
  IngestTagInput,
  ingestIdentityBound,
  ingestMemberLogin,
  ingestMessage,
  ingestOmoBinding,
  ingestOrders,
  ingestPageClosed,
  ingestPageVisit,
  ingestTag,
} from "@customer-panel/core";
import { runUseCase } from "../runtime.js";
import { integrationProcedure, router } from "../trpc.js";

/** Integration-facing procedures: a team's server with an API key (client `api`). */
export const ingestRouter = router({
  /** Inbound customer messages (L5, E2) and the team's bot and agent messages. */
  message: integrationProcedure
    .input(IngestMessageInput)
    .mutation(({ ctx, input }) =>
      runUseCase(ctx.services.runtime, ingestMessage(ctx.actor, input)),
    ),
  /** L6: the webchat customer is on a page. */
  pageVisit: integrationProcedure
    .input(IngestPageVisitInput)
    .mutation(({ ctx, input }) =>
      runUseCase(ctx.services.runtime, ingestPageVisit(ctx.actor, input)),
    ),
  /** L6: the webchat customer closed the page ("user offline"). */
  pageClosed: integrationProcedure
    .input(IngestPageClosedInput)
    .mutation(({ ctx, input }) =>
      runUseCase(ctx.services.runtime, ingestPageClosed(ctx.actor, input)),
    ),
  /** P4: the pixel saw a website member log in. */
  memberLogin: integrationProcedure
    .input(IngestMemberLoginInput)
    .mutation(({ ctx, input }) =>
      runUseCase(ctx.services.runtime, ingestMemberLogin(ctx.actor, input)),
    ),
  /** L1, L4: a social identity completed identity binding. */
  identityBound: integrationProcedure
    .input(IngestIdentityBoundInput)
    .mutation(({ ctx, input }) =>
      runUseCase(ctx.services.runtime, ingestIdentityBound(ctx.actor, input)),
    ),
  /** L2: orders and the cart of a website member. */
  orders: integrationProcedure
    .input(IngestOrdersInput)
    .mutation(({ ctx, input }) => runUseCase(ctx.services.runtime, ingestOrders(ctx.actor, input))),
  /** O1: an OMO membership binding. */
  omoBinding: integrationProcedure
    .input(IngestOmoBindingInput)
    .mutation(({ ctx, input }) =>
      runUseCase(ctx.services.runtime, ingestOmoBinding(ctx.actor, input)),
    ),
  /** T7: a bot, broadcast, rule, API or import applies a tag. */
  tag: integrationProcedure
    .input(IngestTagInput)
    .mutation(({ ctx, input }) => runUseCase(ctx.services.runtime, ingestTag(ctx.actor, input))),
});
