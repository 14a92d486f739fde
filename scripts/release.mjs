#!/usr/bin/env node
// `pnpm release`: everything a release does up to the registry upload — build, pack,
// publint, @arethetypeswrong/cli, and `npm publish --dry-run` of every tarball (which
// checks the manifest, the access and the files npm would upload). The tarballs stay in
// ./release/ for the upload: `pnpm changeset publish` (see README "Use it from your project").
import { mkdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { buildAndPack, lintTarball, manifestOf, PACKAGES, ROOT, run } from "./packing.mjs";

const dest = join(ROOT, "release");
rmSync(dest, { recursive: true, force: true });
mkdirSync(dest);
try {
  console.log("▶ build and pack");
  const tarballs = buildAndPack(dest);
  for (const name of PACKAGES) {
    const tarball = tarballs[name];
    const manifest = manifestOf(tarball);
    console.log(`▶ ${manifest.name}@${manifest.version} (${statSync(tarball).size} bytes packed)`);
    lintTarball(tarball);
    run("npm", ["publish", "--dry-run", "--access", "public", tarball]);
  }
  console.log(`✓ publishable; tarballs in ${dest}`);
} catch (error) {
  console.error(`✗ release: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
