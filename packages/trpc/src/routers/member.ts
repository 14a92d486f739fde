import {
  applyTag,
  ChangeStateInput,
  ConversationsListInput,
  changeConversationState,
  DeleteConversationInput,
  deleteConversation,
  EventsListInput,
  ExportConversationInput,
  exportConversationCsv,
  exportConversationXlsx,
  getPanel,
  isDomainError,
  listConversations,
  listEvents,
  listMembers,
  type MemberActor,
  MembersListInput,
  OmoUnbindInput,
  PanelGetInput,
  PanelOnChangeInput,
  ProfileUpdateInput,
  RateLimited,
  removeTag,
  requestEmailExport,
  SearchConversationsInput,
  SetPanelHiddenInput,
  SetStatusInput,
  searchConversations,
  setConversationStatus,
  setPanelHidden,
  suggestTags,
  TagReportInput,
  TagsApplyInput,
  TagsFrequencyInput,
  TagsRemoveInput,
  TagsSuggestInput,
  tagFrequency,
  tagReportRecords,
  tagReportRecordsXlsx,
  tagReportStats,
  tagReportStatsXlsx,
  unbindOmo,
  updateProfile,
} from "@customer-panel/core";
import { tracked } from "@trpc/server";
import type { DownloadRequest, PanelContext } from "../context.js";
import { toTRPCError } from "../errors.js";
import { runUseCase } from "../runtime.js";
import { memberProcedure, router } from "../trpc.js";

/**
 * A stored download link; one export of the team's limit is taken with it (R4, L7), and a
 * refusal stores nothing (X4).
 */
const linkTo = async (
  ctx: PanelContext & { actor: MemberActor },
  request: DownloadRequest,
  fileName: string,
) => {
  const answer = await ctx.services.downloads.create(ctx.actor, request, fileName);
  if (!answer.allowed) throw toTRPCError(RateLimited.of(answer.retryAfterSeconds));
  return answer.link;
};

/** Member-facing procedures (docs/spec.md, "Public surface"). */
export const memberRouter = {
  panel: router({
    /** P1, P4, P5, L1–L4, L6, L7, O1, X3. */
    get: memberProcedure
      .input(PanelGetInput)
      .query(({ ctx, input }) => runUseCase(ctx.services.runtime, getPanel(ctx.actor, input))),
    /** L6, B6: live changes of the member's team over SSE, resumable with lastEventId. */
    onChange: memberProcedure.input(PanelOnChangeInput).subscription(async function* ({
      ctx,
      input,
      signal,
    }) {
      // Issue 14 B: the stream lives only as long as the member's access does.
      const grant = ctx.services.streamAccess.watch(ctx.actor);
      try {
        for await (const { id, change } of ctx.services.changes.subscribe({
          teamId: ctx.actor.teamId,
          conversationId: input.conversationId ?? null,
          lastEventId: input.lastEventId ?? null,
          signal: signal === undefined ? grant.signal : AbortSignal.any([signal, grant.signal]),
          disconnect: ctx.disconnect,
        })) {
          yield tracked(id, change);
        }
      } catch (error) {
        throw isDomainError(error) ? toTRPCError(error) : error;
      } finally {
        grant.release();
      }
      // The final event says why the stream ended (revoked, removed, role lost).
      const ending = grant.ending();
      if (ending !== null) throw toTRPCError(ending);
    }),
  }),
  profile: router({
    /** P2, P3, P6. */
    update: memberProcedure
      .input(ProfileUpdateInput)
      .mutation(({ ctx, input }) =>
        runUseCase(ctx.services.runtime, updateProfile(ctx.actor, input)),
      ),
  }),
  preferences: router({
    /** P5. */
    setPanelHidden: memberProcedure
      .input(SetPanelHiddenInput)
      .mutation(({ ctx, input }) =>
        runUseCase(ctx.services.runtime, setPanelHidden(ctx.actor, input)),
      ),
  }),
  events: router({
    /** E1, E2. */
    list: memberProcedure
      .input(EventsListInput)
      .query(({ ctx, input }) => runUseCase(ctx.services.runtime, listEvents(ctx.actor, input))),
  }),
  // A plain record, not `router()`: tRPC reserves `apply` as a key of a router() call
  // (its proxies treat `x.apply(...)` as Function.prototype.apply), yet the spec names the
  // procedure `tags.apply`. Nested records are allowed and HTTP clients call
  // `tags.apply.mutate(...)` as usual; a server-side caller uses `tags.apply.call(null, input)`.
  tags: {
    /** T2. */
    suggest: memberProcedure
      .input(TagsSuggestInput)
      .query(({ ctx, input }) => runUseCase(ctx.services.runtime, suggestTags(ctx.actor, input))),
    /** T3, T4, T7, T8. */
    apply: memberProcedure
      .input(TagsApplyInput)
      .mutation(({ ctx, input }) => runUseCase(ctx.services.runtime, applyTag(ctx.actor, input))),
    /** T5. */
    remove: memberProcedure
      .input(TagsRemoveInput)
      .mutation(({ ctx, input }) => runUseCase(ctx.services.runtime, removeTag(ctx.actor, input))),
    /** T6. */
    frequency: memberProcedure
      .input(TagsFrequencyInput)
      .query(({ ctx, input }) => runUseCase(ctx.services.runtime, tagFrequency(ctx.actor, input))),
  },
  tagReports: router({
    /** R1, R2, R4: a short-lived link to the statistics CSV (or XLSX). */
    stats: memberProcedure.input(TagReportInput).query(async ({ ctx, input }) => {
      const { from, to, format = "csv" } = input;
      const { runtime } = ctx.services;
      const download =
        format === "xlsx"
          ? await runUseCase(runtime, tagReportStatsXlsx(ctx.actor, input))
          : await runUseCase(runtime, tagReportStats(ctx.actor, input));
      const link = await linkTo(ctx, { kind: "tagStats", from, to, format }, download.fileName);
      return { window: download.window, ...link };
    }),
    /** R1, R3, R4: a short-lived link to the per-record CSV (or XLSX). */
    records: memberProcedure.input(TagReportInput).query(async ({ ctx, input }) => {
      const { from, to, format = "csv" } = input;
      const { runtime } = ctx.services;
      const download =
        format === "xlsx"
          ? await runUseCase(runtime, tagReportRecordsXlsx(ctx.actor, input))
          : await runUseCase(runtime, tagReportRecords(ctx.actor, input));
      const link = await linkTo(ctx, { kind: "tagRecords", from, to, format }, download.fileName);
      return { window: download.window, ...link };
    }),
  }),
  conversations: router({
    /** L5. */
    setStatus: memberProcedure
      .input(SetStatusInput)
      .mutation(({ ctx, input }) =>
        runUseCase(ctx.services.runtime, setConversationStatus(ctx.actor, input)),
      ),
    /** E2: follow up, reopen, close, assign. */
    changeState: memberProcedure
      .input(ChangeStateInput)
      .mutation(({ ctx, input }) =>
        runUseCase(ctx.services.runtime, changeConversationState(ctx.actor, input)),
      ),
    /** L7, L8: a CSV or XLSX link, or an email queued for delivery. */
    export: memberProcedure.input(ExportConversationInput).mutation(async ({ ctx, input }) => {
      if (input.format === "email") {
        // The outbox takes the team's export limit in the transaction that queues the job.
        const queued = await runUseCase(ctx.services.runtime, requestEmailExport(ctx.actor, input));
        return { format: "email" as const, ...queued };
      }
      // Authorises now (role, feature, client); nothing is read until the link is used.
      const { runtime } = ctx.services;
      const download =
        input.format === "xlsx"
          ? await runUseCase(runtime, exportConversationXlsx(ctx.actor, input))
          : await runUseCase(runtime, exportConversationCsv(ctx.actor, input));
      const link = await linkTo(
        ctx,
        { kind: "conversation", conversationId: input.conversationId, format: input.format },
        download.fileName,
      );
      return { format: input.format, ...link };
    }),
    /** L9, B5. */
    delete: memberProcedure
      .input(DeleteConversationInput)
      .mutation(({ ctx, input }) =>
        runUseCase(ctx.services.runtime, deleteConversation(ctx.actor, input)),
      ),
    /** L9: what deletion must remove. */
    search: memberProcedure
      .input(SearchConversationsInput)
      .query(({ ctx, input }) =>
        runUseCase(ctx.services.runtime, searchConversations(ctx.actor, input)),
      ),
    /** N1: the team's conversations, most recently active first, a page at a time. */
    list: memberProcedure
      .input(ConversationsListInput)
      .query(({ ctx, input }) =>
        runUseCase(ctx.services.runtime, listConversations(ctx.actor, input)),
      ),
  }),
  members: router({
    /** N2: the team's members, for the assign picker. */
    list: memberProcedure
      .input(MembersListInput)
      .query(({ ctx }) => runUseCase(ctx.services.runtime, listMembers(ctx.actor))),
  }),
  omo: router({
    /** O1, O2. */
    unbind: memberProcedure
      .input(OmoUnbindInput)
      .mutation(({ ctx, input }) => runUseCase(ctx.services.runtime, unbindOmo(ctx.actor, input))),
  }),
};
