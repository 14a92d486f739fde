import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createDatabase } from "@customer-panel/db";
import { TRPC_PATH } from "@customer-panel/trpc";
import { startPanelHost } from "./panel-host.js";
import { type DemoWorld, hasTeams, seedDemo } from "./seed.js";
import { demoMembersRoute, ensureWebAppBuilt, webAppRoute } from "./web-app.js";

/** Options of {@link serve}. */
export interface ServeOptions {
  /** A folder to persist PGlite (and the demo's tokens) in; null keeps everything in memory. */
  readonly dataDir: string | null;
  readonly port: number;
  readonly host: string;
  /** Where the file mailer writes emailed exports. */
  readonly mailDir: string;
  readonly out: (line: string) => void;
  /** The built web app to serve at `/` (default: apps/web, built first when stale); null serves none. */
  readonly webAppDist?: string | null;
}

/** A running demo server. */
export interface DemoServer {
  readonly url: string;
  readonly world: DemoWorld;
  /** Closes the server, the export worker, the change stream and the database. */
  readonly close: () => Promise<void>;
}

/** The file, in the data folder, that keeps the seeded ids and tokens across restarts. */
export const TOKENS_FILE = "tokens.json";

const loadWorld = async (dataDir: string | null): Promise<DemoWorld> => {
  const file = dataDir === null ? null : join(dataDir, TOKENS_FILE);
  if (file === null || !existsSync(file)) {
    // Secrets are stored hashed only: without the file, the printed tokens are gone for good.
    throw new Error(
      `${dataDir} holds a seeded database but no ${TOKENS_FILE}; remove the folder to seed again`,
    );
  }
  return JSON.parse(await readFile(file, "utf8")) as DemoWorld;
};

const curlExamples = (url: string, world: DemoWorld): string[] => {
  const { conversations, members, integrationKey } = world.sunny;
  const get = encodeURIComponent(
    JSON.stringify({ json: { conversationId: conversations.wangWebchat.conversationId } }),
  );
  const live = encodeURIComponent(JSON.stringify({ json: {} }));
  const message = JSON.stringify({
    json: {
      identity: { channel: "line", externalUserId: conversations.leeLine.externalUserId },
      sender: "customer",
      content: "請問週末有營業嗎？",
    },
  });
  return [
    "# the panel of 王小明's webchat conversation, as the admin sees it",
    `curl -s -H 'Authorization: Bearer ${members.admin.token}' '${url}${TRPC_PATH}/panel.get?input=${get}'`,
    "# live panel changes (SSE): leave it open and send the message below",
    `curl -sN -H 'Authorization: Bearer ${members.admin.token}' '${url}${TRPC_PATH}/panel.onChange?input=${live}'`,
    "# an inbound LINE message, as the channel integration sends it",
    `curl -s -X POST -H 'X-Api-Key: ${integrationKey}' -H 'content-type: application/json' -d '${message}' '${url}${TRPC_PATH}/ingest.message'`,
  ];
};

const printWelcome = (
  out: (line: string) => void,
  url: string,
  world: DemoWorld,
  persisted: string | null,
) => {
  out(`客戶資料面板 web app → ${url}/ (switch between the seeded members at the top)`);
  out(`客戶資料面板 API → ${url}${TRPC_PATH} (HTTP + SSE), downloads under ${url}/downloads`);
  out(
    persisted === null
      ? "data: in memory (gone on exit)"
      : `data: ${persisted} (kept across restarts)`,
  );
  out("");
  out(`${world.sunny.name} — bearer tokens (Authorization: Bearer …):`);
  for (const member of Object.values(world.sunny.members)) {
    out(`  ${member.role.padEnd(14)} ${member.name}  (${member.client})  ${member.token}`);
  }
  const app = world.sunny.appAdmin;
  out(`  ${app.role.padEnd(14)} ${app.name}  (${app.client})  ${app.token}`);
  out(`  integration API key (X-Api-Key: …)      ${world.sunny.integrationKey}`);
  out(`${world.island.name} (no pixel):`);
  out(`  admin          ${world.island.admin.name}  (web)  ${world.island.admin.token}`);
  out(`  integration API key                     ${world.island.integrationKey}`);
  out("");
  for (const line of curlExamples(url, world)) out(line);
  out("");
  out("Ctrl-C stops the server.");
};

/**
 * `pnpm demo serve`: the tRPC API (HTTP, SSE, downloads) with the export worker, seeded
 * once; with a data folder the database and the printed tokens survive a restart.
 */
export const serve = async (options: ServeOptions): Promise<DemoServer> => {
  const { dataDir, out } = options;
  if (dataDir !== null) await mkdir(dataDir, { recursive: true });
  // PGlite gets a folder of its own: the tokens file must not sit inside PGDATA.
  const database = await createDatabase({
    url: dataDir === null ? undefined : join(dataDir, "pglite"),
  });
  try {
    await database.migrate();
    const dist = options.webAppDist === undefined ? ensureWebAppBuilt(out) : options.webAppDist;
    let seeded: DemoWorld | null = null;
    const host = await startPanelHost({
      database,
      port: options.port,
      host: options.host,
      mailDir: options.mailDir,
      onError: (error) => out(`server error: ${String(error)}`),
      routes: [demoMembersRoute(() => seeded), ...(dist === null ? [] : [webAppRoute(dist)])],
    });
    try {
      let world: DemoWorld;
      if (await hasTeams(database)) {
        world = await loadWorld(dataDir);
      } else {
        world = await seedDemo(database, host.url);
        if (dataDir !== null) {
          await writeFile(join(dataDir, TOKENS_FILE), `${JSON.stringify(world, null, 2)}\n`, {
            mode: 0o600,
          });
        }
      }
      seeded = world;
      printWelcome(out, host.url, world, dataDir);
      return {
        url: host.url,
        world,
        close: async () => {
          await host.close();
          await database.close();
        },
      };
    } catch (error) {
      await host.close();
      throw error;
    }
  } catch (error) {
    await database.close();
    throw error;
  }
};
