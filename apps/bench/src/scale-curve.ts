import { writeFile } from "node:fs/promises";
import { databaseLayer, rowExportFor } from "@customer-panel/db";
import { ManagedRuntime } from "effect";
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import {
  DEFAULT_SCALE,
  generateDataset,
  idSql,
  MID_SCALE,
  QUICK_SCALE,
  type Scale,
} from "./dataset.js";
import { type EngineName, openEngine } from "./engine.js";
import { type OperationResult, panelRow, recordsRow } from "./operations.js";

/**
 * Issue 19, item 5: how cost grows with data. The records export and `panel.get`, library and
 * baseline, at the three data sizes of the bench, on each engine; a table and a plot.
 */
export interface CurvePoint {
  readonly engine: EngineName;
  readonly scale: string;
  readonly applications: number;
  readonly customers: number;
  readonly operation: "tagReports.records 30d" | "panel.get";
  readonly libraryMs: number;
  readonly baselineMs: number;
  readonly ratio: number;
}

/** The sizes the curve walks, smallest first. */
export const CURVE_SCALES: readonly Scale[] = [QUICK_SCALE, MID_SCALE, DEFAULT_SCALE];

const pointOf = (scale: Scale, result: OperationResult): CurvePoint => ({
  engine: result.engine,
  scale: scale.name,
  applications: scale.applications,
  customers: scale.customers,
  operation: result.operation === "panel.get" ? "panel.get" : "tagReports.records 30d",
  libraryMs: result.library.median,
  baselineMs: result.baseline.median,
  ratio: result.ratio,
});

/** Measures both operations at every size on each engine (one fresh database per size). */
export const runCurve = async (options: {
  readonly scales: readonly Scale[];
  readonly engines: readonly EngineName[];
  readonly serverUrl: string | undefined;
  readonly log?: (line: string) => void;
}): Promise<CurvePoint[]> => {
  const points: CurvePoint[] = [];
  for (const name of options.engines) {
    for (const scale of options.scales) {
      options.log?.(`${name}: ${scale.name} data set…`);
      const engine = await openEngine(name, options.serverUrl);
      const runtime = ManagedRuntime.make(
        databaseLayer(engine.database.db, rowExportFor(engine.database)),
      );
      try {
        await generateDataset(engine.raw, scale);
        const [panel] = await engine.raw<{ id: string }>(
          `select ${idSql("conversation", "2")}::text as id`,
        );
        if (!panel) throw new Error("fixture conversation missing");
        const ctx = { engine, scale, runtime };
        points.push(pointOf(scale, await recordsRow(ctx)));
        points.push(pointOf(scale, await panelRow(ctx, panel.id)));
      } finally {
        await runtime.dispose();
        await engine.dispose();
      }
    }
  }
  return points;
};

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(1) : n.toFixed(3));

/** The curve as a Markdown table, one row per engine, operation and size. */
export const formatCurve = (points: readonly CurvePoint[]): string =>
  [
    "| operation | engine | scale | applications | customers | library median ms | baseline median ms | ratio |",
    "|---|---|---|---:|---:|---:|---:|---:|",
    ...points.map(
      (p) =>
        `| ${p.operation} | ${p.engine} | ${p.scale} | ${p.applications} | ${p.customers} | ${ms(p.libraryMs)} | ${ms(p.baselineMs)} | ${p.ratio.toFixed(2)} |`,
    ),
  ].join("\n");

/** The Vega-Lite chart: one panel per operation, time against data size on log axes. */
export const curveSpec = (points: readonly CurvePoint[]): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v5.json",
  title: "Cost against data size (median ms, log scales)",
  data: {
    values: points.flatMap((p) => [
      { ...p, path: `${p.engine} library`, ms: p.libraryMs },
      { ...p, path: `${p.engine} baseline`, ms: p.baselineMs },
    ]),
  },
  facet: { column: { field: "operation", type: "nominal", title: null } },
  spec: {
    width: 260,
    height: 200,
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: "applications",
        type: "quantitative",
        scale: { type: "log" },
        title: "tag applications in the table",
      },
      y: { field: "ms", type: "quantitative", scale: { type: "log" }, title: "median ms" },
      color: { field: "path", type: "nominal", title: null },
      strokeDash: {
        condition: { test: "indexof(datum.path, 'baseline') >= 0", value: [4, 3] },
        value: [1, 0],
      },
    },
  },
  resolve: { scale: { y: "independent" } },
});

/** Renders the chart to SVG text (Vega's own renderer; no browser, no canvas). */
export const curveSvg = async (points: readonly CurvePoint[]): Promise<string> => {
  const view = new vega.View(vega.parse(compile(curveSpec(points)).spec), { renderer: "none" });
  try {
    // A title for screen readers and file browsers; Vega writes none.
    return (await view.toSVG()).replace(
      /^<svg([^>]*)>/,
      "<svg$1><title>Records export and panel.get: median ms against data size</title>",
    );
  } finally {
    view.finalize();
  }
};

/** Writes the plot where `--svg` says. */
export const writeCurveSvg = async (path: string, points: readonly CurvePoint[]) =>
  writeFile(path, await curveSvg(points));
