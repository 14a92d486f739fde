#!/usr/bin/env node
// Builds the `customer-panel` command: dist/main.js (and its chunks) from src/main.ts. The
// workspace packages (@customer-panel/*, TypeScript sources) are bundled in; every other
// package stays an import, resolved at run time from this app's node_modules — so each one
// the bundle imports is a dependency in package.json (checked below). See docs/decisions.md.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const app = fileURLToPath(new URL("..", import.meta.url));
const outdir = `${app}dist`;
const outfile = `${outdir}/main.js`;
const WORKSPACE = /^@customer-panel\//;

/** Bare imports other than the workspace's stay imports of the built file. */
const externalPackages = {
  name: "external-packages",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      WORKSPACE.test(args.path) || args.path.startsWith("node:") ? undefined : { external: true },
    );
  },
};

/**
 * A bundled workspace module that reads `import.meta.url` (db's migrations folder) means its
 * own source file, not dist/main.js: it becomes that file's URL, relative to the built file,
 * so a checkout moved elsewhere still finds it.
 */
const keepModuleUrls = {
  name: "keep-module-urls",
  setup(b) {
    b.onLoad({ filter: /[\\/]packages[\\/][^\\/]+[\\/]src[\\/].*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes("import.meta.url")) return undefined;
      const fromDist = relative(dirname(outfile), args.path).split("\\").join("/");
      return {
        contents: source.replaceAll(
          "import.meta.url",
          `new URL(${JSON.stringify(fromDist)}, import.meta.url).href`,
        ),
        loader: "ts",
      };
    });
  },
};

const result = await build({
  entryPoints: [`${app}src/main.ts`],
  outdir,
  // Chunks keep main.ts's lazy imports lazy: `--help` and a configuration error do not load
  // the database and server modules.
  splitting: true,
  // Chunks sit beside main.js: a rewritten import.meta.url (below) is relative to dist/.
  chunkNames: "[name]-[hash]",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20.19",
  sourcemap: true,
  metafile: true,
  write: false,
  logLevel: "warning",
  plugins: [externalPackages, keepModuleUrls],
});

// Every package the built file imports must resolve from this app: a dependency of its own.
const manifest = JSON.parse(readFileSync(`${app}package.json`, "utf8"));
const declared = new Set(Object.keys(manifest.dependencies ?? {}));
const imported = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const { path, external } of output.imports) {
    if (!external || path.startsWith("node:")) continue;
    imported.add(path.startsWith("@") ? path.split("/").slice(0, 2).join("/") : path.split("/")[0]);
  }
}
const missing = [...imported].filter((name) => !declared.has(name));
if (missing.length > 0) {
  console.error(`customer-panel build: add to apps/server dependencies: ${missing.join(", ")}`);
  process.exit(1);
}
// Each file is written beside its place and renamed over it: a command started while another
// build runs (the server tests and the bench build in parallel) never reads half a file.
mkdirSync(outdir, { recursive: true });
for (const file of result.outputFiles) {
  const temporary = `${file.path}.${process.pid}.tmp`;
  writeFileSync(temporary, file.contents);
  renameSync(temporary, file.path);
}
// Chunks of an earlier build (other hashes) go.
const written = new Set(result.outputFiles.map((file) => file.path));
for (const name of readdirSync(outdir)) {
  const path = `${outdir}/${name}`;
  if (!written.has(path) && !name.endsWith(".tmp")) rmSync(path, { force: true });
}
console.log(`built ${pathToFileURL(outfile).pathname}`);
