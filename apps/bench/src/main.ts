import { spawn } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { DEFAULT_SCALE, generateDataset, MID_SCALE, QUICK_SCALE, type Scale } from "./dataset.js";
import { type EngineName, openEngine } from "./engine.js";
import type { FanOutResults } from "./fan-out/results.js";
import { runFanOut } from "./fan-out/run.js";
import { type FanOutScale, fanOutScaleOf } from "./fan-out/scale.js";
import {
  formatHistory,
  HISTORY_DEFAULT,
  HISTORY_MID,
  HISTORY_QUICK,
  runHistory,
} from "./history.js";
import {
  type MemoryResult,
  type OperationResult,
  runOperations,
  runXlsxOperations,
} from "./operations.js";
import { formatReport } from "./report-table.js";
import { CURVE_SCALES, formatCurve, runCurve, writeCurveSvg } from "./scale-curve.js";
import { runServerLoad, type ServerLoadResults } from "./server-load/run.js";
import type { XlsxResults } from "./xlsx-exports.js";

/** What `pnpm bench` measured, as `--json` prints it. */
export interface BenchReport {
  readonly scale: Scale;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGb: number;
    readonly node: string;
  };
  readonly engines: readonly {
    readonly engine: EngineName;
    readonly generationMs: number;
    /** The in-process rows (empty with `--only server` or `--only xlsx`). */
    readonly operations: readonly OperationResult[];
    readonly memory: MemoryResult | null;
    /** XLSX against CSV of the same rows (issue 20); null with `--only server`. */
    readonly xlsx: XlsxResults | null;
    /** The end-to-end rows: PostgreSQL only, null on PGlite and with `--only library` or `--only xlsx`. */
    readonly server: ServerLoadResults | null;
    /** Live fan-out (issue 19 item 2): PostgreSQL only, null on PGlite and with `--only library|server`. */
    readonly fanOut: FanOutResults | null;
  }[];
}

/**
 * A part of the bench run alone: the in-process rows, the end-to-end server rows, live
 * fan-out, or the XLSX rows (issue 20: memory and the two ratios against CSV).
 */
export type BenchPart = "library" | "server" | "fanout" | "xlsx";

/** Options of one bench run. */
export interface BenchOptions {
  readonly scale: Scale;
  readonly engines: readonly EngineName[];
  readonly serverUrl: string | undefined;
  readonly only?: BenchPart | undefined;
  /** The fan-out's size; by default the one of `scale` (the smoke test passes a tiny one). */
  readonly fanOut?: FanOutScale;
  readonly log?: (line: string) => void;
}

/** Generates the data set on each engine, runs every operation, and closes/drops everything. */
export const runBench = async (options: BenchOptions): Promise<BenchReport> => {
  const results: BenchReport["engines"][number][] = [];
  for (const name of options.engines) {
    // Fan-out opens a fresh database of its own (one team): no generated data set.
    const fanOut = () =>
      name === "postgres" && (options.only === undefined || options.only === "fanout")
        ? runFanOut(options.serverUrl, options.fanOut ?? fanOutScaleOf(options.scale), options.log)
        : Promise.resolve(null);
    if (options.only === "fanout") {
      const only = await fanOut();
      results.push({
        engine: name,
        generationMs: 0,
        operations: [],
        memory: null,
        xlsx: null,
        server: null,
        fanOut: only,
      });
      continue;
    }
    options.log?.(`${name}: generating the ${options.scale.name} data set…`);
    const engine = await openEngine(name, options.serverUrl);
    try {
      const generationMs = await generateDataset(engine.raw, options.scale);
      options.log?.(`${name}: generated in ${(generationMs / 1000).toFixed(1)} s; measuring…`);
      const library =
        options.only === "server" || options.only === "xlsx"
          ? null
          : await runOperations(engine, options.scale);
      const xlsx =
        options.only === "xlsx"
          ? await runXlsxOperations(engine, options.scale)
          : (library?.xlsx ?? null);
      const server =
        name === "postgres" && (options.only === undefined || options.only === "server")
          ? await runServerLoad(engine, options.scale, options.log)
          : null;
      results.push({
        engine: name,
        generationMs,
        operations: library?.operations ?? [],
        memory: library?.memory ?? null,
        xlsx,
        server,
        fanOut: null,
      });
    } finally {
      await engine.dispose();
    }
    const measured = results.at(-1);
    if (measured !== undefined && name === "postgres") {
      results[results.length - 1] = { ...measured, fanOut: await fanOut() };
    }
  }
  const cpu = cpus();
  return {
    scale: options.scale,
    machine: {
      cpus: cpu.length,
      cpuModel: cpu[0]?.model ?? "unknown",
      memoryGb: Math.round(totalmem() / 1024 ** 3),
      node: process.version,
    },
    engines: results,
  };
};

const parseArgs = (argv: readonly string[]) => {
  const serverUrl = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || undefined;
  const flag = (name: string) => argv.includes(name);
  const engineAt = argv.indexOf("--engine");
  const engineArg = engineAt >= 0 ? argv[engineAt + 1] : undefined;
  const onlyAt = argv.indexOf("--only");
  const onlyArg = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
  if (
    onlyArg !== undefined &&
    onlyArg !== "library" &&
    onlyArg !== "server" &&
    onlyArg !== "fanout" &&
    onlyArg !== "xlsx"
  ) {
    throw new Error(`--only must be library, server, fanout or xlsx (got ${onlyArg})`);
  }
  const only: BenchPart | undefined = onlyArg;
  let engines: EngineName[];
  if (engineArg === "pglite" || engineArg === "postgres") engines = [engineArg];
  else if (engineArg === "both") engines = ["pglite", "postgres"];
  else if (engineArg === undefined) engines = serverUrl ? ["pglite", "postgres"] : ["pglite"];
  else throw new Error(`--engine must be pglite, postgres or both (got ${engineArg})`);
  // The server rows and fan-out run on PostgreSQL only.
  const postgresOnly = only === "server" || only === "fanout";
  if (postgresOnly) engines = engines.filter((engine) => engine === "postgres");
  if (postgresOnly && engines.length === 0) engines = ["postgres"];
  return {
    only,
    scale: flag("--quick") ? QUICK_SCALE : flag("--mid") ? MID_SCALE : DEFAULT_SCALE,
    json: flag("--json"),
    engines,
    serverUrl,
  };
};

/**
 * The CLI's run: one child process per engine, each with a fresh heap, so the second
 * engine's numbers do not carry the first one's garbage (PGlite leaves a large WASM heap
 * and many objects behind; a PostgreSQL run that followed it in one process once measured
 * its records export at 1.59× where runs of its own gave 1.25–1.36×). The children print
 * their report as JSON; progress lines go to stderr.
 */
const runIsolated = async (
  args: ReturnType<typeof parseArgs>,
  log: ((line: string) => void) | undefined,
): Promise<BenchReport> => {
  if (args.engines.includes("postgres") && args.serverUrl === undefined) {
    throw new Error("--engine postgres needs BENCH_DATABASE_URL or TEST_DATABASE_URL");
  }
  const reports: BenchReport[] = [];
  const script = process.argv[1] ?? "";
  const scaleFlag =
    args.scale === QUICK_SCALE ? ["--quick"] : args.scale === MID_SCALE ? ["--mid"] : [];
  for (const engine of args.engines) {
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        script,
        "--engine",
        engine,
        "--json",
        "--child",
        ...scaleFlag,
        ...(args.only === undefined ? [] : ["--only", args.only]),
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (text: string) => {
      out += text;
    });
    child.stderr.setEncoding("utf8").on("data", (text: string) => {
      for (const line of text.split("\n")) if (line !== "") (log ?? console.error)(line);
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    if (code !== 0) throw new Error(`the ${engine} bench process exited with ${code}`);
    reports.push(JSON.parse(out) as BenchReport);
  }
  const [first] = reports;
  if (first === undefined) throw new Error("no engine to measure");
  return { ...first, engines: reports.flatMap((report) => report.engines) };
};

const isMain =
  process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));

if (isMain) {
  const argv = process.argv.slice(2);
  const args = parseArgs(argv);
  const child = argv.includes("--child");
  const log = child
    ? (line: string) => console.error(line)
    : args.json
      ? undefined
      : (line: string) => console.log(line);
  if (argv.includes("--history")) {
    // Issue 19 item 4, a run of its own: it builds two databases, one of 10M applications.
    const [engine] = argv.includes("--engine") ? args.engines : (["postgres"] as const);
    runHistory({
      scale: argv.includes("--quick")
        ? HISTORY_QUICK
        : argv.includes("--mid")
          ? HISTORY_MID
          : HISTORY_DEFAULT,
      engine: engine ?? "postgres",
      serverUrl: args.serverUrl,
      log: args.json ? undefined : (line) => console.log(line),
    }).then(
      (report) => console.log(args.json ? JSON.stringify(report, null, 2) : formatHistory(report)),
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  } else if (argv.includes("--curve")) {
    // Issue 19 item 5: records and panel.get at each data size; `--svg FILE` writes the plot.
    const svgAt = argv.indexOf("--svg");
    const svg = svgAt >= 0 ? argv[svgAt + 1] : undefined;
    runCurve({
      scales: argv.includes("--quick") ? [QUICK_SCALE] : CURVE_SCALES,
      engines: args.engines,
      serverUrl: args.serverUrl,
      log: args.json ? undefined : (line) => console.log(line),
    })
      .then(async (points) => {
        if (svg !== undefined) await writeCurveSvg(svg, points);
        console.log(args.json ? JSON.stringify(points, null, 2) : formatCurve(points));
      })
      .catch((error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      });
  } else {
    const report =
      child || args.engines.length === 1 ? runBench({ ...args, log }) : runIsolated(args, log);
    report.then(
      (report) => {
        console.log(args.json ? JSON.stringify(report, null, 2) : formatReport(report));
      },
      (error: unknown) => {
        console.error(error);
        process.exitCode = 1;
      },
    );
  }
}
