// Build, pack and lint the publishable packages: shared by `pnpm release` and the
// consumer test, so what the test installs is exactly what a release would upload.
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** The published packages, in dependency order (folder names under packages/). */
export const PACKAGES = ["core", "db", "trpc", "client"];

/** Runs a command with inherited output; throws when it fails. */
export const run = (command, args, cwd = ROOT) => {
  console.log(`  $ ${command} ${args.join(" ")}`);
  const { status } = spawnSync(command, args, { cwd, stdio: "inherit" });
  if (status !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${status}`);
};

const bin = (name) => join(ROOT, "node_modules", ".bin", name);

/**
 * Builds every package from scratch (no stale file of a deleted module can ship) and packs
 * each into `dest`; returns folder name → tarball path.
 */
export const buildAndPack = (dest) => {
  for (const name of PACKAGES)
    rmSync(join(ROOT, "packages", name, "dist"), { recursive: true, force: true });
  // One at a time, in order: the client's build reads the trpc package's declarations, and
  // trpc's tests use the client, so pnpm sees a cycle and would not order them.
  for (const name of PACKAGES) run("pnpm", ["run", "build"], join(ROOT, "packages", name));
  for (const name of PACKAGES) {
    run("pnpm", ["pack", "--pack-destination", dest], join(ROOT, "packages", name));
  }
  return Object.fromEntries(
    PACKAGES.map((name) => {
      const file = readdirSync(dest).find((f) => f.startsWith(`customer-panel-${name}-`));
      if (!file) throw new Error(`pnpm pack made no tarball for ${name}`);
      return [name, join(dest, file)];
    }),
  );
};

/** The package.json a tarball carries (after pnpm replaced workspace: and catalog:). */
export const manifestOf = (tarball) => {
  const { stdout, status } = spawnSync("tar", ["-xOzf", tarball, "package/package.json"], {
    encoding: "utf8",
  });
  if (status !== 0) throw new Error(`cannot read package.json in ${tarball}`);
  const manifest = JSON.parse(stdout);
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|catalog):/.test(range)) {
        throw new Error(`${manifest.name} ships ${field}.${dep} = ${range}`);
      }
    }
  }
  return manifest;
};

/** publint (warnings are errors) and @arethetypeswrong/cli (ESM-only profile) on one tarball. */
export const lintTarball = (tarball) => {
  run(bin("publint"), ["run", "--strict", tarball]);
  run(bin("attw"), ["--profile", "esm-only", "--format", "table-flipped", tarball]);
};
