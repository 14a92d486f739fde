#!/usr/bin/env node
// The consumer test (issue 16): build and pack every package, then use the tarballs the
// way another team would — a fresh npm project outside the workspace, installed once
// with the LOWEST and once with the NEWEST version of every peer range — and check:
// plain Node runs a core rule and the server (query, domain error, SSE subscription);
// tsc passes on a consumer file and the READMEs' examples under strict settings with
// nodenext and bundler resolution; publint and attw pass on every tarball.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
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
// mysql/gel/singlestore builders, PGlite's missing Emscripten types). Their errors are
// counted and shown, never ours: any error in another file fails the test.
const FOREIGN_DECLARATIONS = /^node_modules\/(drizzle-orm|@electric-sql\/pglite)\//;

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
    `    ${errors.length - ours.length} errors inside drizzle-orm/PGlite declarations ignored`,
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
const readmeExamples = () =>
  PACKAGES.flatMap((name) => {
    const text = readFileSync(join(root, "packages", name, "README.md"), "utf8");
    return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((block, index) => ({
      file: `readme-${name}-${index + 1}.ts`,
      source: `${block[1]}\nexport {};\n`,
    }));
  });

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
        // The client matches the server's tRPC version; superjson and eventsource are the client's own.
        "@trpc/client": version("@trpc/server"),
        superjson: "^2.2.0",
        eventsource: "^4.0.0",
        typescript,
      };
      writeFileSync(
        join(project, "package.json"),
        `${JSON.stringify({ name: `consumer-${extreme}`, private: true, type: "module", dependencies }, null, 2)}\n`,
      );
      cpSync(join(here, "fixture"), project, { recursive: true });
      for (const { file, source } of examples) writeFileSync(join(project, file), source);
      for (const [file, options] of Object.entries(TSCONFIGS)) {
        const config = { compilerOptions: { ...strict, ...options }, include: ["*.ts"] };
        writeFileSync(join(project, file), `${JSON.stringify(config, null, 2)}\n`);
      }
      run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], project);
      run("npm", ["ls", ...Object.keys(peers), "@trpc/client"], project);
      run("node", ["core-rule.mjs"], project);
      run("node", ["server.mjs"], project);
      for (const file of Object.keys(TSCONFIGS)) typeCheck(project, file);
      if (extreme === "newest") checkExportsSnapshot(project);
    }
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
