import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { ExtraRoute } from "@customer-panel/trpc";
import type { DemoWorld } from "./seed.js";

/** apps/web in this repository: the reference web app the demo serves at `/`. */
export const WEB_APP_DIR = fileURLToPath(new URL("../../web/", import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
};

const newestIn = (path: string): number => {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce(
    (newest, name) => Math.max(newest, newestIn(join(path, name))),
    0,
  );
};

/**
 * Builds apps/web with Vite when its dist is missing or older than its sources (a fresh clone
 * has no dist: it is not committed). A build takes a few seconds; afterwards nothing is done.
 */
export const ensureWebAppBuilt = (out: (line: string) => void, webDir = WEB_APP_DIR): string => {
  const dist = join(webDir, "dist");
  const index = join(dist, "index.html");
  const sources = [join(webDir, "src"), join(webDir, "index.html"), join(webDir, "vite.config.ts")];
  const fresh =
    existsSync(index) &&
    statSync(index).mtimeMs >= Math.max(...sources.filter(existsSync).map(newestIn));
  if (fresh) return dist;
  out("building the web app (apps/web, vite build)…");
  const viteDir = dirname(createRequire(join(webDir, "package.json")).resolve("vite/package.json"));
  const result = spawnSync(process.execPath, [join(viteDir, "bin", "vite.js"), "build"], {
    cwd: webDir,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`vite build failed in ${webDir}:\n${result.stdout}\n${result.stderr}`);
  }
  return dist;
};

/**
 * Serves the built web app: `/` is its index.html, `/assets/*` its files. Other paths are left
 * to the API's routes (`/trpc`, `/downloads`); nothing outside `dist` can be named.
 */
export const webAppRoute = (dist: string): ExtraRoute => {
  const root = normalize(dist + sep);
  return async (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    const relative =
      path === "/" ? "index.html" : path.startsWith("/assets/") ? path.slice(1) : null;
    if (relative === null) return false;
    const file = normalize(join(root, relative));
    if (!file.startsWith(root) || !existsSync(file) || !statSync(file).isFile()) return false;
    const body = await readFile(file);
    res.writeHead(200, {
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "x-content-type-options": "nosniff",
      // Asset names carry a content hash; the page itself is always revalidated.
      "cache-control":
        relative === "index.html" ? "no-cache" : "public, max-age=31536000, immutable",
    });
    res.end(req.method === "HEAD" ? undefined : body);
    return true;
  };
};

/** Where the demo lists its seeded members for the web app's member switcher. */
export const DEMO_MEMBERS_PATH = "/demo/members";

/**
 * Demo mode only (never in apps/server): the seeded team's members with their tokens, so the
 * web app can switch between them. The demo prints these same tokens on start.
 */
export const demoMembersRoute = (world: () => DemoWorld | null): ExtraRoute => {
  return async (req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (path !== DEMO_MEMBERS_PATH || req.method !== "GET") return false;
    const seeded = world();
    if (seeded === null) return false;
    const { members, appAdmin } = seeded.sunny;
    const list = [...Object.values(members), appAdmin].map((m) => ({
      name: m.name,
      role: m.role,
      client: m.client,
      token: m.token,
    }));
    res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(list));
    return true;
  };
};
