import { fanOutTable } from "./fan-out/report.js";
import type { BenchReport } from "./main.js";
import { P99_TARGET, type ServerLoadResults, THROUGHPUT_TARGET } from "./server-load/run.js";

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(1) : n.toFixed(3));
const pad = (s: string, n: number) => s.padEnd(n);

/** Whether a ratio meets its target, as the table shows it. */
export const verdictOf = (ratio: number, target: number | null): string =>
  target === null ? "—" : ratio <= target ? `met (≤${target}×)` : `MISSED (≤${target}×)`;

/** The readable table of a report (Markdown, so docs/benchmarks.md can hold it as printed). */
export const formatReport = (report: BenchReport): string => {
  const { scale, machine } = report;
  const lines = [
    `Scale ${scale.name}: ${scale.customers} customers/conversations, ${scale.tags} tags, ${scale.applications} applications over 90 days, ${scale.messages} messages in one conversation; ${scale.rounds} rounds.`,
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}.`,
    "",
    "| operation | engine | library median ms | baseline median ms | ratio | library spread ms | baseline spread ms | target |",
    "|---|---|---:|---:|---:|---|---|---|",
  ];
  for (const e of report.engines) {
    for (const o of [...e.operations, ...(e.xlsx?.operations ?? [])]) {
      lines.push(
        `| ${pad(o.operation, 34)} | ${e.engine} | ${ms(o.library.median)} | ${ms(o.baseline.median)} | ${o.ratio.toFixed(2)} | ${ms(o.library.min)}–${ms(o.library.max)} | ${ms(o.baseline.min)}–${ms(o.baseline.max)} | ${verdictOf(o.ratio, o.targetRatio)} |`,
      );
    }
  }
  lines.push(
    "",
    "| engine | export | generation s | records rows 30d / 1d | peak RSS MB 30d / 1d | difference MB | target |",
  );
  lines.push("|---|---|---:|---|---|---:|---|");
  for (const e of report.engines) {
    for (const [format, m] of [
      ["CSV", e.memory],
      ["XLSX", e.xlsx?.memory ?? null],
    ] as const) {
      if (m === null) continue;
      lines.push(
        `| ${e.engine} | ${format} | ${(e.generationMs / 1000).toFixed(1)} | ${m.largeRows} / ${m.smallRows} | ${m.largePeakMb.toFixed(1)} / ${m.smallPeakMb.toFixed(1)} | ${m.differenceMb.toFixed(1)} | ${m.differenceMb < m.targetMb ? "met" : "MISSED"} (<${m.targetMb} MB) |`,
      );
    }
  }
  for (const e of report.engines) if (e.server !== null) lines.push("", ...serverTable(e.server));
  for (const e of report.engines) if (e.fanOut !== null) lines.push("", ...fanOutTable(e.fanOut));
  lines.push("", "Facts checked in the run:");
  for (const e of report.engines) {
    for (const o of [...e.operations, ...(e.xlsx?.operations ?? [])]) {
      const facts = Object.entries(o.facts)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ");
      lines.push(`- ${e.engine} ${o.operation}: ${facts}. ${o.note}`);
    }
    for (const r of e.server?.rows ?? []) {
      const facts = Object.entries(r.facts)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ");
      lines.push(`- ${e.engine} server ${r.operation}: ${facts}.`);
    }
  }
  return lines.join("\n");
};

const rate = (n: number) => n.toFixed(0);
const cpu = (ms: number | null) => (ms === null ? "–" : ms.toFixed(2));

/** The end-to-end rows: requests/s and latency of the panel server against the baseline. */
const serverTable = (server: ServerLoadResults): string[] => [
  `Server end to end (PostgreSQL): the built \`customer-panel serve\` and a minimal node:http + pg server, one process each, pool ${server.poolSize}, ${server.connections} keep-alive connections (autocannon), ${server.seconds} s per run, median of ${server.rounds} run(s) per side; a credential look-up per request on both.`,
  "",
  "| operation | server req/s | baseline req/s | throughput ratio | server p50 / p99 ms | baseline p50 / p99 ms | p99 ratio | CPU ms per request server / baseline | target |",
  "|---|---:|---:|---:|---|---|---:|---|---|",
  ...server.rows.map((r) => {
    const met = r.throughputRatio >= THROUGHPUT_TARGET && r.p99Ratio <= P99_TARGET;
    return `| ${r.operation} | ${rate(r.server.perSecond)} | ${rate(r.baseline.perSecond)} | ${r.throughputRatio.toFixed(2)} | ${r.server.p50} / ${r.server.p99} | ${r.baseline.p50} / ${r.baseline.p99} | ${r.p99Ratio.toFixed(2)} | ${cpu(r.server.cpuMsPerRequest)} / ${cpu(r.baseline.cpuMsPerRequest)} | ${met ? "met" : "MISSED"} (≥${THROUGHPUT_TARGET}×, p99 ≤${P99_TARGET}×) |`;
  }),
];
