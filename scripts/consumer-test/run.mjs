#!/usr/bin/env node
// The consumer test (issue 16): build and pack every package, then use the tarballs the
// way another team would — a fresh npm project outside the workspace, installed once
// with the LOWEST and once with the NEWEST version of every peer range — and check:
// plain Node runs a core rule and the server (query, domain error, SSE subscription);
// tsc passes on a consumer file and the READMEs' examples under strict settings with
// nodenext and bundler resolution; publint and attw pass on every tarball. A third project
// installs the client alone: no server package arrives, tsc passes, and esbuild bundles it for
// the browser with no `node:` import (its size is printed).
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { buildSync } from "esbuild";
import { buildAndPack, lintTarball, manifestOf, PACKAGES, ROOT as root, run } from "../packing.mjs";
import { checkExportsSnapshot } from "./exports-snapshot.mjs";

const here = dirname(fileURLToPath(import.meta.url));

// "^1.2.3" → "1.2.3": every peer range is a caret range, so its lowest version is its base.
const lowestOf = (name, range) => {
  const match = /^\^(\d+\.\d+\.\d+)$/.exec(range);
  if (!match) throw new Error(`peer ${name}: range ${range} is not ^x.y.z; teach lowestOf`);
  return match[1];
};

// Third-party declarations that fail on their own under skipLibCheck: false (drizzle-orm's
// mysql/gel/singlestore builders, PGlite's missing Emscripten types; @trpc/server's name
// `Disposable`, which only @types/node or lib esnext.disposable declare — a client app has
// neither). Their errors are counted and shown, never ours: any other error fails the test.
const FOREIGN_DECLARATIONS =
  /^node_modules\/(drizzle-orm|@electric-sql\/pglite)\/|^node_modules\/@trpc\/server\/.*Cannot find name '(Async)?Disposable'/;

const typeCheck = (project, config) => {
  console.log(`  $ tsc -p ${config}`);
  const tsc = join(project, "node_modules", ".bin", "tsc");
  const { stdout, status } = spawnSync(tsc, ["-p", config, "--pretty", "false"], {
    cwd: project,
    encoding: "utf8",
  });
  const errors = stdout.split("\n").filter((line) => /error TS\d+/.test(line));
  const ours = errors.filter((line) => !FOREIGN_DECLARATIONS.test(line));
  console.log(
    `    ${errors.length - ours.length} errors inside drizzle-orm/PGlite/tRPC declarations ignored`,
  );
  if (ours.length > 0 || (status !== 0 && errors.length === 0)) {
    console.error(ours.length > 0 ? ours.join("\n") : stdout);
    throw new Error(`tsc -p ${config} failed`);
  }
};

const strict = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noPropertyAccessFromIndexSignature: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
  noEmit: true,
  isolatedModules: true,
  verbatimModuleSyntax: true,
};
const TSCONFIGS = {
  "tsconfig.nodenext.json": { module: "nodenext", moduleResolution: "nodenext", target: "es2022" },
  // lib ES2020 + DOM: the declarations must not need a newer lib than the consumer's.
  "tsconfig.bundler.json": {
    module: "esnext",
    moduleResolution: "bundler",
    target: "es2020",
    lib: ["es2020", "dom"],
  },
};

// Every ```ts block of every package README becomes a file the consumer type-checks.
const readmeExamples = (packages = PACKAGES) =>
  packages.flatMap((name) => {
    const text = readFileSync(join(root, "packages", name, "README.md"), "utf8");
    return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((block, index) => ({
      file: `readme-${name}-${index + 1}.ts`,
      source: `${block[1]}\nexport {};\n`,
    }));
  });

// The README examples and both tsconfigs, written into a consumer project.
const writeSources = (project, examples) => {
  for (const { file, source } of examples) writeFileSync(join(project, file), source);
  for (const [file, options] of Object.entries(TSCONFIGS)) {
    const config = { compilerOptions: { ...strict, ...options }, include: ["*.ts"] };
    writeFileSync(join(project, file), `${JSON.stringify(config, null, 2)}\n`);
  }
};

// What a client app must never install or bundle: the server and its database and mailer.
const SERVER_PACKAGES = [
  "@customer-panel/trpc",
  "@customer-panel/db",
  "@electric-sql/pglite",
  "pg",
  "drizzle-orm",
  "nodemailer",
];
const SERVER_PATH = new RegExp(`node_modules/(${SERVER_PACKAGES.join("|")})/`);

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

// Issue 16 item 5: esbuild bundles the client entry for the browser; any `node:` import (or
// any server package) fails the test. Prints the bundle's size, minified and gzipped.
const bundleForBrowser = (project) => {
  console.log("  $ esbuild @customer-panel/client --bundle --platform=browser --minify");
  const result = buildSync({
    stdin: { contents: 'export * from "@customer-panel/client";', resolveDir: project },
    bundle: true,
    platform: "browser",
    format: "esm",
    minify: true,
    metafile: true,
    write: false,
    logLevel: "error",
  });
  const inputs = Object.entries(result.metafile.inputs);
  const nodeImports = inputs.flatMap(([file, { imports }]) =>
    imports.filter((i) => i.path.startsWith("node:")).map((i) => `${file} → ${i.path}`),
  );
  const serverFiles = inputs.map(([file]) => file).filter((file) => SERVER_PATH.test(file));
  if (nodeImports.length > 0 || serverFiles.length > 0) {
    console.error([...nodeImports, ...serverFiles].join("\n"));
    throw new Error("the browser bundle of the client imports node: modules or server code");
  }
  const code = result.outputFiles[0].contents;
  console.log(
    `    browser bundle: ${inputs.length} modules, no node: import; ` +
      `${kib(code.length)} minified, ${kib(gzipSync(code).length)} gzipped`,
  );
};

// A client app: the client and its peers only (core, its dependency, comes from its tarball
// since no registry has it). No server package may arrive; tsc passes on the client-only
// fixture and the client README's example; the browser bundle has no node: import.
const clientApp = (project, tarballOf, peers, typescript) => {
  console.log("▶ a client app: @customer-panel/client and its peers only");
  mkdirSync(project);
  const clientPeers = Object.keys(manifestOf(tarballOf.client).peerDependencies ?? {});
  const dependencies = {
    "@customer-panel/client": `file:${tarballOf.client}`,
    ...Object.fromEntries(clientPeers.map((dep) => [dep, peers[dep]])),
    typescript,
  };
  const overrides = { "@customer-panel/core": `file:${tarballOf.core}` };
  const manifest = { name: "client-app", private: true, type: "module", dependencies, overrides };
  writeFileSync(join(project, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  cpSync(join(here, "fixture", "client-app.ts"), join(project, "client-app.ts"));
  writeSources(project, readmeExamples(["client"]));
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], project);
  const arrived = SERVER_PACKAGES.filter((name) => existsSync(join(project, "node_modules", name)));
  if (arrived.length > 0) throw new Error(`the client app installed ${arrived.join(", ")}`);
  const { stdout } = spawnSync("du", ["-sk", "node_modules"], { cwd: project, encoding: "utf8" });
  console.log(
    `    installed: ${(Number.parseInt(stdout, 10) / 1024).toFixed(1)} MiB, no server package`,
  );
  for (const file of Object.keys(TSCONFIGS)) typeCheck(project, file);
  bundleForBrowser(project);
};

const main = () => {
  const started = Date.now();
  const work = mkdtempSync(join(tmpdir(), "customer-panel-consumer-"));
  console.log(`consumer projects in ${work}`);
  try {
    console.log("▶ build and pack");
    const tarballs = join(work, "tarballs");
    mkdirSync(tarballs);
    const tarballOf = buildAndPack(tarballs);

    const peers = {};
    for (const name of PACKAGES) {
      for (const [dep, range] of Object.entries(
        manifestOf(tarballOf[name]).peerDependencies ?? {},
      )) {
        if (peers[dep] !== undefined && peers[dep] !== range) {
          throw new Error(`peer ${dep}: ${peers[dep]} and ${range} differ between packages`);
        }
        peers[dep] = range;
      }
    }

    console.log("▶ publint and @arethetypeswrong/cli on every tarball");
    for (const name of PACKAGES) lintTarball(tarballOf[name]);

    const typescript = JSON.parse(
      readFileSync(join(root, "node_modules", "typescript", "package.json"), "utf8"),
    ).version;
    const examples = readmeExamples();
    for (const extreme of ["lowest", "newest"]) {
      console.log(`▶ consumer with the ${extreme} peer versions`);
      const project = join(work, extreme);
      mkdirSync(project);
      const version = (dep) => (extreme === "lowest" ? lowestOf(dep, peers[dep]) : peers[dep]);
      const dependencies = {
        ...Object.fromEntries(
          PACKAGES.map((name) => [`@customer-panel/${name}`, `file:${tarballOf[name]}`]),
        ),
        ...Object.fromEntries(Object.keys(peers).map((dep) => [dep, version(dep)])),
        typescript,
      };
      writeFileSync(
        join(project, "package.json"),
        `${JSON.stringify({ name: `consumer-${extreme}`, private: true, type: "module", dependencies }, null, 2)}\n`,
      );
      cpSync(join(here, "fixture"), project, { recursive: true });
      writeSources(project, examples);
      run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], project);
      run("npm", ["ls", ...Object.keys(peers)], project);
      run("node", ["core-rule.mjs"], project);
      run("node", ["server.mjs"], project);
      for (const file of Object.keys(TSCONFIGS)) typeCheck(project, file);
      if (extreme === "newest") checkExportsSnapshot(project);
    }
    clientApp(join(work, "client-only"), tarballOf, peers, typescript);
    console.log(`✓ consumer test passed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    if (process.env.CONSUMER_TEST_KEEP) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
};

try {
  main();
} catch (error) {
  console.error(`✗ consumer test: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
