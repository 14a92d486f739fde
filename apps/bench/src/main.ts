import { cpus, totalmem } from "node:os";
import { DEFAULT_SCALE, generateDataset, MID_SCALE, QUICK_SCALE, type Scale } from "./dataset.js";
import { type EngineName, openEngine } from "./engine.js";
import { type EngineResults, runOperations } from "./operations.js";
import { formatReport } from "./report-table.js";

/** What `pnpm bench` measured, as `--json` prints it. */
export interface BenchReport {
  readonly scale: Scale;
  readonly machine: {
    readonly cpus: number;
    readonly cpuModel: string;
    readonly memoryGb: number;
    readonly node: string;
  };
  readonly engines: readonly ({
    readonly engine: EngineName;
    readonly generationMs: number;
  } & EngineResults)[];
}

/** Options of one bench run. */
export interface BenchOptions {
  readonly scale: Scale;
  readonly engines: readonly EngineName[];
  readonly serverUrl: string | undefined;
  readonly log?: (line: string) => void;
}

/** Generates the data set on each engine, runs every operation, and closes/drops everything. */
export const runBench = async (options: BenchOptions): Promise<BenchReport> => {
  const results: BenchReport["engines"][number][] = [];
  for (const name of options.engines) {
    options.log?.(`${name}: generating the ${options.scale.name} data set…`);
    const engine = await openEngine(name, options.serverUrl);
    try {
      const generationMs = await generateDataset(engine.raw, options.scale);
      options.log?.(`${name}: generated in ${(generationMs / 1000).toFixed(1)} s; measuring…`);
      results.push({ engine: name, generationMs, ...(await runOperations(engine, options.scale)) });
    } finally {
      await engine.dispose();
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
  let engines: EngineName[];
  if (engineArg === "pglite" || engineArg === "postgres") engines = [engineArg];
  else if (engineArg === "both") engines = ["pglite", "postgres"];
  else if (engineArg === undefined) engines = serverUrl ? ["pglite", "postgres"] : ["pglite"];
  else throw new Error(`--engine must be pglite, postgres or both (got ${engineArg})`);
  return {
    scale: flag("--quick") ? QUICK_SCALE : flag("--mid") ? MID_SCALE : DEFAULT_SCALE,
    json: flag("--json"),
    engines,
    serverUrl,
  };
};

const isMain =
  process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"));

if (isMain) {
  const args = parseArgs(process.argv.slice(2));
  const log = args.json ? undefined : (line: string) => console.log(line);
  runBench({ ...args, log }).then(
    (report) => {
      console.log(args.json ? JSON.stringify(report, null, 2) : formatReport(report));
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
