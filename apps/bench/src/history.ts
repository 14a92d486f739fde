import {
  type CustomerId,
  tagFrequency,
  tagReportRecords,
  tagReportStats,
} from "@customer-panel/core";
import { databaseLayer, rowExportFor } from "@customer-panel/db";
import { runUseCase } from "@customer-panel/trpc";
import { ManagedRuntime } from "effect";
import {
  FIXTURE_ADMIN as actor,
  DEFAULT_SCALE,
  FIXTURE,
  generateDataset,
  idSql,
  MID_SCALE,
  QUICK_SCALE,
  type Scale,
} from "./dataset.js";
import { type BenchEngine, type EngineName, openEngine } from "./engine.js";
import { bytesOf, type Summary, summarise, timed } from "./measure.js";
import { RECORDS_SQL, STATS_SQL, windowBounds } from "./operations.js";

/**
 * Issue 19, item 4: years of history. The same 30-day report over a table of 1M applications
 * and over one of 10M (three years of the team plus other teams), measured on two databases
 * side by side, round by round, so the machine's drift falls on both; and `tags.frequency` of
 * one customer holding 100k applications against its raw query.
 */
export interface HistoryScale {
  readonly name: string;
  /** The small database: the ordinary data set of this scale. */
  readonly base: Scale;
  /** Applications in the large database, all teams together. */
  readonly total: number;
  /** Applications of the one heavy customer (part of `total`). */
  readonly heavyCustomer: number;
  /** Customers and tags of each of the two other teams. */
  readonly otherTeam: { readonly customers: number; readonly tags: number };
  readonly rounds: number;
}

/** 1M against 10M applications, a customer with 100k: the issue's sizes. */
export const HISTORY_DEFAULT: HistoryScale = {
  name: "default",
  base: DEFAULT_SCALE,
  total: 10_000_000,
  heavyCustomer: 100_000,
  otherTeam: { customers: 20_000, tags: 500 },
  rounds: 7,
};

/** The same shape at a fifth of the data. */
export const HISTORY_MID: HistoryScale = {
  name: "mid",
  base: MID_SCALE,
  total: 2_000_000,
  heavyCustomer: 20_000,
  otherTeam: { customers: 5_000, tags: 200 },
  rounds: 5,
};

/** The CI completeness check: the same steps on small tables. */
export const HISTORY_QUICK: HistoryScale = {
  name: "quick",
  base: QUICK_SCALE,
  total: 200_000,
  heavyCustomer: 2_000,
  otherTeam: { customers: 500, tags: 50 },
  rounds: 3,
};

const OTHER_TEAMS = [
  "00000000-0000-4000-8000-000000000011",
  "00000000-0000-4000-8000-000000000012",
] as const;

/** The heavy customer: customer 3 of the data set (customers 1 and 2 are the bench's fixtures). */
const HEAVY_CUSTOMER = 3;

/** Days of history before the base instant: three years. */
const HISTORY_DAYS = 1095;

// Every history row falls outside the team's 30-day window (day offsets 31…1095) except the
// other teams' rows, so the window holds exactly the same rows in both databases.
const growStatements = (h: HistoryScale): string[] => {
  const s = h.base;
  const others = Math.floor((h.total - s.applications - h.heavyCustomer) / 3);
  const teamHistory = h.total - s.applications - h.heavyCustomer - 2 * others;
  const at = (offset: string) =>
    `timestamptz '${FIXTURE.base}' - (${offset}) * interval '1 day' + ((i::bigint * 7919) % 86400) * interval '1 second'`;
  const statements = ["alter table tag_applications disable trigger all"];
  for (const [t, teamId] of OTHER_TEAMS.entries()) {
    const kind = (what: string) => `other${t}-${what}`;
    statements.push(
      `insert into teams (id, name, time_zone) values ('${teamId}', 'Other team ${t}', '${FIXTURE.timeZone}')`,
      `insert into customers (id, team_id, display_name, created_at)
       select ${idSql(kind("customer"), "i")}, '${teamId}', 'other ' || i, timestamptz '${FIXTURE.base}' - interval '1200 days'
       from generate_series(1, ${h.otherTeam.customers}) i`,
      `insert into tags (id, team_id, name, key, created_at)
       select ${idSql(kind("tag"), "i")}, '${teamId}', 'other' || i, 'other' || i, timestamptz '${FIXTURE.base}' - interval '1200 days'
       from generate_series(1, ${h.otherTeam.tags}) i`,
      `insert into tag_applications (id, team_id, customer_id, tag_id, applied_at, channel, method)
       select ${idSql(kind("application"), "i")}, '${teamId}',
              ${idSql(kind("customer"), `((i - 1) % ${h.otherTeam.customers} + 1)`)},
              ${idSql(kind("tag"), `((i * 31) % ${h.otherTeam.tags} + 1)`)},
              ${at(`(i % ${HISTORY_DAYS}) + 1`)}, 'line', 'manual'
       from generate_series(1, ${others}) i`,
    );
  }
  statements.push(
    `insert into tag_applications (id, team_id, customer_id, tag_id, applied_at, channel, method, member_id)
     select ${idSql("history-application", "i")}, '${FIXTURE.teamId}',
            ${idSql("customer", `((i - 1) % ${s.customers} + 1)`)},
            ${idSql("tag", `((i * 31) % ${s.tags} + 1)`)},
            ${at(`(i % ${HISTORY_DAYS - 30}) + 31`)}, 'line', 'manual', '${FIXTURE.adminId}'
     from generate_series(1, ${teamHistory}) i`,
    `insert into tag_applications (id, team_id, customer_id, tag_id, applied_at, channel, method, member_id)
     select ${idSql("heavy-application", "i")}, '${FIXTURE.teamId}', ${idSql("customer", String(HEAVY_CUSTOMER))},
            ${idSql("tag", `((i * 31) % ${s.tags} + 1)`)},
            ${at(`(i % ${HISTORY_DAYS - 30}) + 31`)}, 'line', 'manual', '${FIXTURE.adminId}'
     from generate_series(1, ${h.heavyCustomer}) i`,
    "alter table tag_applications enable trigger all",
    // The counts the triggers would have kept, recomputed once.
    "delete from customer_tags",
    `insert into customer_tags (team_id, customer_id, tag_id, count)
     select team_id, customer_id, tag_id, count(*)::int from tag_applications group by team_id, customer_id, tag_id`,
    `update tags set uses = a.n from (select tag_id, count(*) as n from tag_applications group by tag_id) a
     where tags.id = a.tag_id`,
    "vacuum analyze",
  );
  return statements;
};

const FREQUENCY_SQL = `select a.tag_id, t.name, count(*)::int as applications, max(a.applied_at) as last_applied_at
  from tag_applications a join tags t on t.team_id = a.team_id and t.id = a.tag_id
  where a.team_id = $1 and a.customer_id = $2
  group by a.tag_id, t.name order by applications desc, t.name collate "C"`;

/** One measured path on the small and the large database, and large / small. */
export interface HistoryRow {
  readonly operation: string;
  readonly small: Summary;
  readonly large: Summary;
  /** Median large / median small (1 = the history costs nothing). */
  readonly ratio: number;
  readonly targetRatio: number | null;
  readonly note: string;
}

/** What `pnpm bench --history` measured. */
export interface HistoryReport {
  readonly scale: string;
  readonly engine: EngineName;
  readonly applications: { readonly small: number; readonly large: number };
  readonly windowRows: { readonly small: number; readonly large: number };
  readonly heavyCustomerApplications: number;
  readonly generationMs: { readonly small: number; readonly large: number };
  readonly rows: readonly HistoryRow[];
  /** `tags.frequency` of the heavy customer against its raw query, on the large database. */
  readonly frequency: {
    readonly library: Summary;
    readonly baseline: Summary;
    readonly ratio: number;
    readonly targetRatio: number;
    readonly tags: number;
  };
}

const runtimeOf = (engine: BenchEngine) =>
  ManagedRuntime.make(databaseLayer(engine.database.db, rowExportFor(engine.database)));

const count = async (engine: BenchEngine, where: string, params: readonly unknown[]) => {
  const [row] = await engine.raw<{ n: number }>(
    `select count(*)::int as n from tag_applications ${where}`,
    params,
  );
  return row?.n ?? 0;
};

// Small and large alternate, which goes first swapping each round; one untimed warm-up each.
const sideBySide = async (
  rounds: number,
  small: () => Promise<unknown>,
  large: () => Promise<unknown>,
) => {
  const a: number[] = [];
  const b: number[] = [];
  await small();
  await large();
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      a.push(await timed(small));
      b.push(await timed(large));
    } else {
      b.push(await timed(large));
      a.push(await timed(small));
    }
  }
  return { small: summarise(a), large: summarise(b) };
};

const measure = async (h: HistoryScale, small: BenchEngine, large: BenchEngine) => {
  const runtimes = { small: runtimeOf(small), large: runtimeOf(large) };
  try {
    const records = (side: "small" | "large") => async () => {
      const download = await runUseCase(runtimes[side], tagReportRecords(actor, FIXTURE.month));
      await bytesOf(download.chunks);
    };
    const stats = (side: "small" | "large") => async () => {
      const download = await runUseCase(runtimes[side], tagReportStats(actor, FIXTURE.month));
      await bytesOf(download.chunks);
    };
    const engines = { small, large };
    const raw = (side: "small" | "large", text: string) => () =>
      engines[side].raw(text, windowBounds(FIXTURE.month));
    const rows: HistoryRow[] = [];
    const add = (
      operation: string,
      timing: { small: Summary; large: Summary },
      targetRatio: number | null,
      note: string,
    ) =>
      rows.push({
        operation,
        ...timing,
        ratio: timing.large.median / timing.small.median,
        targetRatio,
        note,
      });
    add(
      "tagReports.records 30d",
      await sideBySide(h.rounds, records("small"), records("large")),
      1.3,
      "the library's CSV download, read fully",
    );
    add(
      "tagReports.stats 30d",
      await sideBySide(h.rounds, stats("small"), stats("large")),
      1.3,
      "the library's CSV download, read fully",
    );
    add(
      "records query (raw)",
      await sideBySide(h.rounds, raw("small", RECORDS_SQL), raw("large", RECORDS_SQL)),
      null,
      "the report's joined SELECT, straight to the driver",
    );
    add(
      "stats query (raw)",
      await sideBySide(h.rounds, raw("small", STATS_SQL), raw("large", STATS_SQL)),
      null,
      "the report's aggregate, straight to the driver",
    );
    const customerId = (
      await large.raw<{ id: string }>(
        `select ${idSql("customer", String(HEAVY_CUSTOMER))}::text as id`,
      )
    )[0]?.id as CustomerId;
    let tags = 0;
    const frequency = await sideBySide(
      h.rounds,
      async () => {
        tags = (await runUseCase(runtimes.large, tagFrequency(actor, { customerId }))).tags.length;
      },
      () => large.raw(FREQUENCY_SQL, [FIXTURE.teamId, customerId]),
    );
    return {
      rows,
      frequency: {
        library: frequency.small,
        baseline: frequency.large,
        ratio: frequency.small.median / frequency.large.median,
        targetRatio: 2,
        tags,
      },
    };
  } finally {
    await runtimes.small.dispose();
    await runtimes.large.dispose();
  }
};

/** Builds the small and the large database on one engine, measures, and drops both. */
export const runHistory = async (options: {
  readonly scale: HistoryScale;
  readonly engine: EngineName;
  readonly serverUrl: string | undefined;
  readonly log?: (line: string) => void;
}): Promise<HistoryReport> => {
  const { scale: h, engine: name } = options;
  const small = await openEngine(name, options.serverUrl);
  let large: BenchEngine | undefined;
  try {
    large = await openEngine(name, options.serverUrl);
    options.log?.(`${name}: generating two ${h.base.name} data sets…`);
    const smallMs = await generateDataset(small.raw, h.base);
    let largeMs = await generateDataset(large.raw, h.base);
    options.log?.(`${name}: growing one of them to ${h.total} applications…`);
    const started = performance.now();
    for (const statement of growStatements(h)) await large.raw(statement);
    largeMs += performance.now() - started;
    options.log?.(`${name}: measuring, small and large side by side…`);
    const measured = await measure(h, small, large);
    const window = windowBounds(FIXTURE.month);
    const inWindow = "where team_id = $1 and applied_at >= $2 and applied_at < $3";
    return {
      scale: h.name,
      engine: name,
      applications: { small: await count(small, "", []), large: await count(large, "", []) },
      windowRows: {
        small: await count(small, inWindow, window),
        large: await count(large, inWindow, window),
      },
      heavyCustomerApplications: await count(large, "where customer_id = $1", [
        (
          await large.raw<{ id: string }>(
            `select ${idSql("customer", String(HEAVY_CUSTOMER))}::text as id`,
          )
        )[0]?.id,
      ]),
      generationMs: { small: smallMs, large: largeMs },
      ...measured,
    };
  } finally {
    await large?.dispose();
    await small.dispose();
  }
};

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(1) : n.toFixed(3));

/** The readable table of a history report (Markdown, as docs/benchmarks.md holds it). */
export const formatHistory = (r: HistoryReport): string => {
  const verdict = (ratio: number, target: number | null) =>
    target === null ? "—" : ratio <= target ? `met (≤${target}×)` : `MISSED (≤${target}×)`;
  const lines = [
    `History ${r.scale} on ${r.engine}: ${r.applications.small} against ${r.applications.large} applications in the table; the team's 30-day window holds ${r.windowRows.small} / ${r.windowRows.large} of them; generation ${(r.generationMs.small / 1000).toFixed(0)} s / ${(r.generationMs.large / 1000).toFixed(0)} s.`,
    "",
    "| operation | small median ms | large median ms | large / small | small spread ms | large spread ms | target |",
    "|---|---:|---:|---:|---|---|---|",
    ...r.rows.map(
      (row) =>
        `| ${row.operation} | ${ms(row.small.median)} | ${ms(row.large.median)} | ${row.ratio.toFixed(2)} | ${ms(row.small.min)}–${ms(row.small.max)} | ${ms(row.large.min)}–${ms(row.large.max)} | ${verdict(row.ratio, row.targetRatio)} |`,
    ),
    "",
    `tags.frequency of a customer with ${r.heavyCustomerApplications} applications (${r.frequency.tags} tags): library ${ms(r.frequency.library.median)} ms, raw query ${ms(r.frequency.baseline.median)} ms, ratio ${r.frequency.ratio.toFixed(2)} — ${verdict(r.frequency.ratio, r.frequency.targetRatio)}.`,
  ];
  return lines.join("\n");
};
