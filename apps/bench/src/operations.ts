import {
  applyTag,
  type ConversationId,
  type CustomerId,
  exportConversationCsv,
  getPanel,
  type MemberActor,
  type MemberId,
  normaliseTagName,
  suggestTags,
  type TeamId,
  tagReportRecords,
  tagReportStats,
} from "@customer-panel/core";
import { type DatabasePorts, databaseLayer, rowExportFor } from "@customer-panel/db";
import { runUseCase } from "@customer-panel/trpc";
import { Either, ManagedRuntime } from "effect";
import { FIXTURE, FIXTURE_ADMIN, idSql, rowIdsOf, type Scale } from "./dataset.js";
import type { BenchEngine, EngineName } from "./engine.js";
import { alternate, bytesOf, peakRssAbove, runConcurrently, type Summary } from "./measure.js";
import { PANEL_SQL, RAW_APPLY_SQL } from "./raw-sql.js";
import { type XlsxResults, xlsxExports } from "./xlsx-exports.js";

/** One operation timed on both paths in the same run. */
export interface OperationResult {
  readonly operation: string;
  readonly engine: EngineName;
  /** Library path, ms per run. */
  readonly library: Summary;
  /** Raw-SQL baseline, ms per run. */
  readonly baseline: Summary;
  /** Median library / median baseline (lower is better; 1 = no overhead). */
  readonly ratio: number;
  /** The target for this row, as a ratio bound. */
  readonly targetRatio: number | null;
  /** What the baseline is, and anything else a reader needs. */
  readonly note: string;
  /** Counts checked during the run (rows, bytes, round trips, exact end counts). */
  readonly facts: Readonly<Record<string, number | boolean>>;
}

/** Peak memory of the records export, large window vs small. */
export interface MemoryResult {
  readonly engine: EngineName;
  readonly largeRows: number;
  readonly smallRows: number;
  /** Peak RSS above the start of the export, MB. */
  readonly largePeakMb: number;
  readonly smallPeakMb: number;
  readonly differenceMb: number;
  readonly targetMb: number;
}

const actor = FIXTURE_ADMIN;

export const RECORDS_SQL = `select a.applied_at, a.customer_id, c.display_name, t.name, a.channel, a.method, m.name as member_name
  from tag_applications a
  join customers c on c.team_id = a.team_id and c.id = a.customer_id
  join tags t on t.team_id = a.team_id and t.id = a.tag_id
  left join members m on m.team_id = a.team_id and m.id = a.member_id
  where a.team_id = $1 and a.applied_at >= $2 and a.applied_at < $3
  order by a.applied_at, a.id`;

export const STATS_SQL = `select t.name, count(*)::int as applications, count(distinct a.customer_id)::int as customers
  from tag_applications a join tags t on t.team_id = a.team_id and t.id = a.tag_id
  where a.team_id = $1 and a.applied_at >= $2 and a.applied_at < $3
  group by t.id, t.name order by applications desc, t.name collate "C", t.id`;

const TRANSCRIPT_SQL = `select sent_at, sender, agent_name, content from messages
  where team_id = $1 and conversation_id = $2 order by sent_at, seq`;

/**
 * `text` with `$n` replaced by SQL literals, for COPY (which takes no parameters). Only the
 * bench's own values pass here: uuids and dates, quoted with quotes doubled all the same.
 */
const literal = (text: string, params: readonly unknown[]): string =>
  text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    const textValue = value instanceof Date ? value.toISOString() : String(value);
    return `'${textValue.replace(/'/g, "''")}'`;
  });

// The window's instants exactly as the use case computes them (Asia/Taipei has no DST).
export const windowBounds = (w: { readonly from: string; readonly to: string }) => {
  const startsAt = new Date(`${w.from}T00:00:00+08:00`);
  const endsBefore = new Date(new Date(`${w.to}T00:00:00+08:00`).getTime() + 86_400_000);
  return [FIXTURE.teamId, startsAt, endsBefore] as const;
};

/**
 * Everything a run of the operations needs. The library path runs each use case as the
 * tRPC router does: through `runUseCase` on one runtime whose ports are built once.
 */
export interface Context {
  readonly engine: BenchEngine;
  readonly scale: Scale;
  readonly runtime: ManagedRuntime.ManagedRuntime<DatabasePorts, never>;
}

/** A summary of `repeat` calls per round, as time per call. */
const perCall = (s: Summary, repeat: number): Summary => ({
  median: s.median / repeat,
  min: s.min / repeat,
  max: s.max / repeat,
});

/** Rows a baseline query answers (COPY only tells bytes). */
const rowCount = async (ctx: Context, text: string, params: readonly unknown[]) => {
  const [counted] = await ctx.engine.raw<{ n: number }>(
    `select count(*)::int as n from (${text}) q`,
    params,
  );
  return counted?.n ?? 0;
};

const row = (
  ctx: Context,
  operation: string,
  timing: { library: Summary; baseline: Summary },
  targetRatio: number | null,
  note: string,
  facts: Record<string, number | boolean>,
): OperationResult => ({
  operation,
  engine: ctx.engine.name,
  ...timing,
  ratio: timing.library.median / timing.baseline.median,
  targetRatio,
  note,
  facts,
});

export const recordsRow = async (ctx: Context): Promise<OperationResult> => {
  let bytes = 0;
  let rows = 0;
  let copyBytes = 0;
  const timing = await alternate(
    ctx.scale.rounds,
    async () => {
      const download = await runUseCase(ctx.runtime, tagReportRecords(actor, FIXTURE.month));
      bytes = await bytesOf(download.chunks);
    },
    async () => {
      copyBytes = await ctx.engine.copyCsv(literal(RECORDS_SQL, windowBounds(FIXTURE.month)));
    },
  );
  rows = await rowCount(ctx, RECORDS_SQL, windowBounds(FIXTURE.month));
  return row(
    ctx,
    "tagReports.records 30d",
    timing,
    1.5,
    "baseline: COPY (the same joined SELECT) TO STDOUT WITH CSV, read fully",
    { rows, csvBytes: bytes, copyBytes },
  );
};

const statsRow = async (ctx: Context): Promise<OperationResult> => {
  let rows = 0;
  const timing = await alternate(
    ctx.scale.rounds,
    async () => {
      const download = await runUseCase(ctx.runtime, tagReportStats(actor, FIXTURE.month));
      await bytesOf(download.chunks);
    },
    async () => {
      rows = (await ctx.engine.raw(STATS_SQL, windowBounds(FIXTURE.month))).length;
    },
  );
  return row(ctx, "tagReports.stats 30d", timing, 1.5, "baseline: the raw aggregate query", {
    tags: rows,
  });
};

const exportRow = async (ctx: Context, conversationId: string): Promise<OperationResult> => {
  let rows = 0;
  let bytes = 0;
  let copyBytes = 0;
  const timing = await alternate(
    ctx.scale.rounds,
    async () => {
      const download = await runUseCase(
        ctx.runtime,
        exportConversationCsv(actor, { conversationId: conversationId as ConversationId }),
      );
      bytes = await bytesOf(download.chunks);
      await runUseCase(ctx.runtime, download.complete);
    },
    async () => {
      copyBytes = await ctx.engine.copyCsv(
        literal(TRANSCRIPT_SQL, [FIXTURE.teamId, conversationId]),
      );
    },
  );
  rows = await rowCount(ctx, TRANSCRIPT_SQL, [FIXTURE.teamId, conversationId]);
  return row(
    ctx,
    "conversations.export",
    timing,
    1.5,
    "baseline: COPY (the conversation's messages) TO STDOUT WITH CSV, read fully",
    { messages: rows, csvBytes: bytes, copyBytes },
  );
};

export const panelRow = async (ctx: Context, conversationId: string): Promise<OperationResult> => {
  const repeat = 50;
  let roundTrips = 0;
  let tags = 0;
  const timing = await alternate(
    ctx.scale.rounds,
    async () => {
      for (let i = 0; i < repeat; i++) {
        const before = ctx.engine.statements();
        const view = await runUseCase(
          ctx.runtime,
          getPanel(actor, { conversationId: conversationId as ConversationId }),
        );
        roundTrips = ctx.engine.statements() - before;
        tags = view.tags.length;
      }
    },
    async () => {
      for (let i = 0; i < repeat; i++) {
        for (const [i, text] of PANEL_SQL.entries()) {
          await ctx.engine.raw(text, [FIXTURE.teamId, conversationId], `bench_panel_${i}`);
        }
      }
    },
  );
  return row(
    ctx,
    "panel.get",
    { library: perCall(timing.library, repeat), baseline: perCall(timing.baseline, repeat) },
    2,
    `per call (${repeat} sequential calls per round); baseline: 2 hand-written queries (conversation+customer+identity+team+assignee, tags), prepared on a server as the library's is`,
    { roundTrips, tags },
  );
};

const CONCURRENCY = 20;

const applyCounts = async (ctx: Context, key: string) => {
  const [counts] = await ctx.engine.raw<{ applications: number; holders: number; uses: number }>(
    `select (select count(*)::int from tag_applications a where a.tag_id = t.id) as applications,
            (select count(*)::int from customer_tags ct where ct.tag_id = t.id and ct.count = 1) as holders,
            t.uses::int as uses
     from tags t where t.team_id = $1 and t.key = $2`,
    [FIXTURE.teamId, key],
  );
  return counts ?? { applications: 0, holders: 0, uses: 0 };
};

const applyRow = async (ctx: Context): Promise<OperationResult> => {
  const n = Math.min(ctx.scale.applies, ctx.scale.customers);
  const customers = await rowIdsOf(ctx.engine.raw, "customer", n);
  const conversations = await rowIdsOf(ctx.engine.raw, "conversation", n);
  const targets = customers.map((customerId, i) => ({
    customerId,
    conversationId: conversations[i] ?? "",
  }));
  const libKey = (round: number) => `bench apply library ${round}`;
  const rawKey = (round: number) => `bench apply raw ${round}`;
  let statementsPerApply = 0;
  const timing = await alternate(
    ctx.scale.rounds,
    async (round) => {
      const name = normaliseTagName(libKey(round));
      if (Either.isLeft(name)) throw new Error(name.left);
      const before = ctx.engine.statements();
      await runConcurrently(targets, CONCURRENCY, async (t) => {
        const result = await runUseCase(
          ctx.runtime,
          applyTag(actor, {
            customerId: t.customerId as CustomerId,
            conversationId: t.conversationId as ConversationId,
            name: name.right,
            confirm: true,
          }),
        );
        if (result.kind !== "applied") throw new Error(`tags.apply answered ${result.kind}`);
      });
      statementsPerApply = (ctx.engine.statements() - before) / n;
    },
    async (round) => {
      const [tag] = await ctx.engine.raw<{ id: string }>(
        `insert into tags (id, team_id, name, key) values (gen_random_uuid(), $1, $2, $2) returning id`,
        [FIXTURE.teamId, rawKey(round)],
      );
      if (!tag) throw new Error("raw tag not created");
      await runConcurrently(targets, CONCURRENCY, (t) =>
        ctx.engine.raw(RAW_APPLY_SQL, [
          FIXTURE.teamId,
          t.customerId,
          tag.id,
          t.conversationId,
          FIXTURE.adminId,
        ]),
      );
    },
    { warmUp: false },
  );
  let exact = true;
  for (let round = 0; round < ctx.scale.rounds; round++) {
    for (const key of [libKey(round), rawKey(round)]) {
      const c = await applyCounts(ctx, key);
      if (c.applications !== n || c.holders !== n || c.uses !== n) exact = false;
    }
  }
  const perSecond = (ms: number) => Math.round((n / ms) * 1000);
  return row(
    ctx,
    `tags.apply x${n}, ${CONCURRENCY} callers`,
    timing,
    2,
    `time for ${n} confirmed applications on distinct customers; baseline: one CTE upsert statement per application`,
    {
      applications: n,
      libraryPerSecond: perSecond(timing.library.median),
      baselinePerSecond: perSecond(timing.baseline.median),
      exactCounts: exact,
      libraryStatementsPerApply: statementsPerApply,
    },
  );
};

const suggestRow = async (
  ctx: Context,
  team: { readonly actor: MemberActor; readonly tags: number },
): Promise<OperationResult> => {
  const repeat = 50;
  const query = "tag001";
  let found = 0;
  const timing = await alternate(
    ctx.scale.rounds,
    async () => {
      for (let i = 0; i < repeat; i++) {
        found = (await runUseCase(ctx.runtime, suggestTags(team.actor, { query, limit: 10 })))
          .length;
      }
    },
    async () => {
      for (let i = 0; i < repeat; i++) {
        await ctx.engine.raw(
          `select id, name, uses from tags where team_id = $1 and key like $2
           order by uses desc, key collate "C", id limit 10`,
          [team.actor.teamId, `${query}%`],
        );
      }
    },
  );
  return row(
    ctx,
    `tags.suggest (${team.tags} tags)`,
    { library: perCall(timing.library, repeat), baseline: perCall(timing.baseline, repeat) },
    null,
    `per call; baseline: one prefix query on tags_team_key_prefix_idx (the library also runs the trigram "contains" half)`,
    { suggestions: found },
  );
};

const memoryOf = async (ctx: Context): Promise<MemoryResult> => {
  const exportWindow = async (w: { readonly from: string; readonly to: string }) => {
    const download = await runUseCase(ctx.runtime, tagReportRecords(actor, w));
    await bytesOf(download.chunks);
  };
  const count = async (w: { readonly from: string; readonly to: string }) => {
    const [r] = await ctx.engine.raw<{ n: number }>(
      `select count(*)::int as n from tag_applications where team_id = $1 and applied_at >= $2 and applied_at < $3`,
      windowBounds(w),
    );
    return r?.n ?? 0;
  };
  global.gc?.();
  const smallPeakMb = await peakRssAbove(() => exportWindow(FIXTURE.day));
  global.gc?.();
  const largePeakMb = await peakRssAbove(() => exportWindow(FIXTURE.month));
  return {
    engine: ctx.engine.name,
    largeRows: await count(FIXTURE.month),
    smallRows: await count(FIXTURE.day),
    largePeakMb,
    smallPeakMb,
    differenceMb: largePeakMb - smallPeakMb,
    targetMb: 100,
  };
};

/** The results of one engine. */
export interface EngineResults {
  readonly operations: readonly OperationResult[];
  readonly memory: MemoryResult;
  /** XLSX exports against the CSV exports of the same rows (issue 20). */
  readonly xlsx: XlsxResults;
}

/** The fixture's conversation holding every message (the transcript exports'). */
const bigConversation = async (ctx: Context): Promise<string> => {
  const [big] = await ctx.engine.raw<{ id: string }>(
    `select ${idSql("conversation", "1")}::text as id`,
  );
  if (!big) throw new Error("fixture conversation 1 missing");
  return big.id;
};

// Every row of the report, in the order it prints.
const measureAll = async (ctx: Context): Promise<EngineResults> => {
  const { engine, scale } = ctx;
  const big = await bigConversation(ctx);
  const [panel] = await engine.raw<{ id: string }>(
    `select ${idSql("conversation", "2")}::text as id`,
  );
  if (!panel) throw new Error("fixture conversation 2 missing");
  // Memory first, while the process heap is still small (RSS seldom shrinks afterwards).
  const memory = await memoryOf(ctx);
  const operations: OperationResult[] = [];
  operations.push(await recordsRow(ctx));
  operations.push(await statsRow(ctx));
  operations.push(await exportRow(ctx, big));
  operations.push(await panelRow(ctx, panel.id));
  operations.push(await suggestRow(ctx, { actor, tags: scale.tags }));
  operations.push(
    await suggestRow(ctx, {
      actor: {
        ...actor,
        teamId: FIXTURE.manyTagsTeamId as TeamId,
        memberId: FIXTURE.manyTagsAdminId as MemberId,
      },
      tags: scale.manyTags,
    }),
  );
  const xlsx = await xlsxExports(ctx, big);
  // tags.apply last: it writes.
  operations.push(await applyRow(ctx));
  return { operations, memory, xlsx };
};

/** Runs `measure` with a context on a generated engine (one runtime, disposed after). */
const withContext = async <A>(
  engine: BenchEngine,
  scale: Scale,
  measure: (ctx: Context) => Promise<A>,
): Promise<A> => {
  const runtime = ManagedRuntime.make(
    databaseLayer(engine.database.db, rowExportFor(engine.database)),
  );
  try {
    return await measure({ engine, scale, runtime });
  } finally {
    await runtime.dispose();
  }
};

/** Runs every operation on a generated engine, library and baseline alternating. */
export const runOperations = (engine: BenchEngine, scale: Scale): Promise<EngineResults> =>
  withContext(engine, scale, measureAll);

/** Issue 20's XLSX rows alone (`--only xlsx`): its memory row and the two ratios. */
export const runXlsxOperations = (engine: BenchEngine, scale: Scale): Promise<XlsxResults> =>
  withContext(engine, scale, async (ctx) => xlsxExports(ctx, await bigConversation(ctx)));
