import type { BenchReport } from "./main.js";

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
    for (const o of [...e.operations, ...e.xlsx.operations]) {
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
      ["XLSX", e.xlsx.memory],
    ] as const) {
      lines.push(
        `| ${e.engine} | ${format} | ${(e.generationMs / 1000).toFixed(1)} | ${m.largeRows} / ${m.smallRows} | ${m.largePeakMb.toFixed(1)} / ${m.smallPeakMb.toFixed(1)} | ${m.differenceMb.toFixed(1)} | ${m.differenceMb < m.targetMb ? "met" : "MISSED"} (<${m.targetMb} MB) |`,
      );
    }
  }
  lines.push("", "Facts checked in the run:");
  for (const e of report.engines) {
    for (const o of [...e.operations, ...e.xlsx.operations]) {
      const facts = Object.entries(o.facts)
        .map(([k, v]) => `${k}=${v}`)
        .join(", ");
      lines.push(`- ${e.engine} ${o.operation}: ${facts}. ${o.note}`);
    }
  }
  return lines.join("\n");
};
