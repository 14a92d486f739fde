import { mkdir } from "node:fs/promises";
import { createPanelClient, type PanelCredential } from "@customer-panel/client";
import { createDatabase } from "@customer-panel/db";
import { startPanelHost } from "./panel-host.js";
import { conversationExport, deletion, omoUnbinding } from "./scenarios/export-scenarios.js";
import { blocking, boundChannelsAndOrders, presence } from "./scenarios/lower-panel-scenarios.js";
import { eventLog, pixelAndHiding, profileEditing } from "./scenarios/profile-scenarios.js";
import type { Cast, Player, Stage } from "./scenarios/stage.js";
import { tagging, tagReports } from "./scenarios/tag-scenarios.js";
import { type DemoWorld, seedDemo } from "./seed.js";
import { createTranscript, type Step } from "./transcript.js";

/** Options of {@link runWalkthrough}. */
export interface WalkthroughOptions {
  /** Prints one line of the transcript. */
  readonly out: (line: string) => void;
  /** Where exports (CSV files, emails) are written; created when missing. */
  readonly outputDir: string;
}

/** What the walkthrough did. */
export interface WalkthroughResult {
  readonly steps: readonly Step[];
  /** Steps whose outcome is not the expected one (empty when everything behaved). */
  readonly failures: readonly Step[];
  readonly world: DemoWorld;
}

const castOf = (url: string, world: DemoWorld): Cast => {
  const player = (who: string, credential: PanelCredential): Player => ({
    who,
    client: createPanelClient({ url, ...credential }),
  });
  const m = world.sunny.members;
  const island = "小島咖啡";
  return {
    admin: player("admin (web)", { token: m.admin.token }),
    supervisor: player("supervisor (web)", { token: m.supervisor.token }),
    csManager: player("cs_manager (web)", { token: m.cs_manager.token }),
    csAgent: player("cs_agent (web)", { token: m.cs_agent.token }),
    salesManager: player("sales_manager (web)", { token: m.sales_manager.token }),
    sales: player("sales (web)", { token: m.sales.token }),
    appAdmin: player("admin (app)", { token: world.sunny.appAdmin.token }),
    integration: player("integration (api)", { apiKey: world.sunny.integrationKey }),
    islandAdmin: player(`admin (web, ${island})`, { token: world.island.admin.token }),
    islandIntegration: player(`integration (api, ${island})`, {
      apiKey: world.island.integrationKey,
    }),
  };
};

const introduce = (out: (line: string) => void, world: DemoWorld, url: string) => {
  out(`客戶資料面板 walkthrough — tRPC client over HTTP → ${url}/trpc (in-memory PGlite)`);
  out(`團隊 ${world.sunny.name}（pixel、OMO、導出對話 · Asia/Taipei）`);
  const cast = Object.values(world.sunny.members).map((m) => `${m.role} ${m.name}`);
  out(`  成員：${cast.join("、")}；陳怡君 也用 APP 登入`);
  const customers = [
    ...new Set(Object.values(world.sunny.conversations).map((c) => c.customerName)),
  ];
  out(`  客戶：${customers.join("、")}`);
  out(`團隊 ${world.island.name}（沒有 pixel）· 成員 admin ${world.island.admin.name}`);
};

/**
 * Runs every scenario of the seed document through the real tRPC client over real HTTP
 * against an in-process server on in-memory PGlite, printing who did what and what
 * happened (or which code refused it). Closes everything it opened before answering.
 */
export const runWalkthrough = async (options: WalkthroughOptions): Promise<WalkthroughResult> => {
  const { out, outputDir } = options;
  await mkdir(outputDir, { recursive: true });
  const database = await createDatabase();
  try {
    await database.migrate();
    const host = await startPanelHost({
      database,
      mailDir: outputDir,
      // The walkthrough delivers emails itself (runOnce), so the transcript shows when.
      workerIntervalMs: null,
      onError: (error) => out(`  ! server error: ${String(error)}`),
    });
    try {
      const now = new Date();
      const world = await seedDemo(database, host.url, now);
      introduce(out, world, host.url);
      const t = createTranscript(out);
      const stage: Stage = { t, cast: castOf(host.url, world), world, host, outputDir, now };
      for (const scenario of [
        profileEditing,
        pixelAndHiding,
        eventLog,
        tagging,
        tagReports,
        boundChannelsAndOrders,
        blocking,
        presence,
        conversationExport,
        deletion,
        omoUnbinding,
      ]) {
        await scenario(stage);
      }
      const failures = t.steps.filter((s) => s.outcome !== s.expected);
      out("");
      out(
        failures.length === 0
          ? `✓ ${t.steps.length} steps, every outcome as the rules say · exports in ${outputDir}`
          : `‼ ${failures.length} of ${t.steps.length} steps did not behave: ${failures.map((f) => f.id).join(", ")}`,
      );
      return { steps: t.steps, failures, world };
    } finally {
      await host.close();
    }
  } finally {
    await database.close();
  }
};
