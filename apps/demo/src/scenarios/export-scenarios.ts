import { readdir } from "node:fs/promises";
import { basename, join } from "node:path";
import { localTime } from "../team-calendar.js";
import { unless } from "../transcript.js";
import { download, eventually, reasonKinds, reasonsText, type Stage } from "./stage.js";

/** Where the admin asks the emailed export to go. */
export const EXPORT_EMAIL_TO = "chen.yijun@sunny-select.example.tw";

const emlFiles = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith(".eml"));

/** L7–L8: CSV, XLSX and email exports by the admin; the button hidden for others and on the app. */
export const conversationExport = async (stage: Stage) => {
  const { t, cast, world, host, outputDir } = stage;
  const lin = world.sunny.conversations.linWhatsapp;
  const { conversationId } = lin;
  const admin = cast.admin;
  t.section("導出對話 L7–L8");
  await t.run(
    { id: "export.csv", who: admin.who, what: `匯出對話 CSV（${lin.customerName}，WhatsApp）` },
    async () => {
      const link = await admin.client.conversations.export.mutate({
        conversationId,
        format: "csv",
      });
      if (link.format !== "csv") throw new Error("asked for a CSV, got an email");
      const file = await download(stage, link);
      // The server records the export once the last byte left it, just after the response ends.
      let lastExportedAt: Date | null = null;
      await eventually(async () => {
        const panel = await admin.client.panel.get.query({ conversationId });
        lastExportedAt = panel.conversation.lastExportedAt;
        return lastExportedAt !== null;
      });
      return { file, lastExportedAt: lastExportedAt as Date | null };
    },
    ({ file, lastExportedAt }) => ({
      detail: `${file.shown}（${file.rows} 則訊息，UTF-8 BOM）`,
      value: { file: file.path, bom: file.bom, rows: file.rows, lastExportedAt },
      problem: unless(
        file.bom && lastExportedAt !== null,
        "no BOM, or the export was not recorded",
      ),
    }),
  );
  await t.run(
    { id: "export.xlsx", who: admin.who, what: `匯出對話 XLSX（${lin.customerName}，WhatsApp）` },
    async () => {
      const link = await admin.client.conversations.export.mutate({
        conversationId,
        format: "xlsx",
      });
      if (link.format !== "xlsx") throw new Error("asked for an XLSX, got something else");
      const file = await download(stage, link);
      // L7: recorded as for the CSV, once the last byte left the server.
      await eventually(async () => {
        const log = await admin.client.events.list.query({ conversationId, limit: 50 });
        return log.events.some((e) => e.type === "exported" && e.format === "xlsx");
      });
      return file;
    },
    (file) => ({
      detail: `${file.shown}（XLSX，${file.bytes} bytes）`,
      value: { file: file.path, zip: file.zip },
      problem: unless(file.zip, "the XLSX is not a ZIP package"),
    }),
  );
  const emlBefore = await emlFiles(outputDir);
  await t.run(
    { id: "export.email", who: admin.who, what: `以 Email 導出給 ${EXPORT_EMAIL_TO}` },
    () =>
      admin.client.conversations.export.mutate({
        conversationId,
        format: "email",
        to: EXPORT_EMAIL_TO,
      }),
    (r) => ({
      detail: r.format === "email" ? `已排入寄送（${r.status}）` : r.format,
      value: { format: r.format },
    }),
  );
  await t.run(
    { id: "export.delivered", who: "export worker (server)", what: "寄出排隊中的 Email 導出" },
    async () => {
      const handled = await host.worker.runOnce();
      const eml = (await emlFiles(outputDir)).filter((f) => !emlBefore.includes(f));
      return { handled, eml };
    },
    ({ handled, eml }) => ({
      detail: `${handled} 封 → ${eml.map((f) => join(basename(outputDir), f)).join("、")}`,
      value: { handled, eml: eml.map((f) => join(outputDir, f)) },
      problem: unless(eml.length === 1, "no .eml file was written"),
    }),
  );
  await t.run(
    { id: "export.lastTime", who: admin.who, what: "最後導出時間" },
    async () => ({
      panel: await admin.client.panel.get.query({ conversationId }),
      log: await admin.client.events.list.query({ conversationId, limit: 50 }),
    }),
    ({ panel, log }) => {
      const at = panel.conversation.lastExportedAt;
      const exported = log.events.filter((e) => e.type === "exported");
      return {
        detail: `${at ? localTime(at) : "—"}（事件紀錄：${exported.map((e) => (e.type === "exported" ? e.format : "")).join("、")}）`,
        value: { lastExportedAt: at, exportedEvents: exported.length },
        problem: unless(at !== null, "no last export time"),
      };
    },
  );
  // L8: the button is hidden (with its reasons) and a call made anyway is refused.
  const hiddenAndRefused = async (
    member: typeof cast.supervisor,
    suffix: "Supervisor" | "App",
    what: string,
    expected: "ROLE_NOT_ALLOWED" | "CLIENT_NOT_SUPPORTED",
  ) => {
    await t.run(
      { id: `export.hidden${suffix}`, who: member.who, what },
      () => member.client.panel.get.query({ conversationId }),
      (p) => ({
        detail: `隱藏 · ${reasonsText(p.capabilities.exportConversation)}`,
        value: { reasons: reasonKinds(p.capabilities.exportConversation) },
      }),
    );
    await t.run(
      { id: `export.refused${suffix}`, who: member.who, what: "仍然呼叫匯出", expected },
      () => member.client.conversations.export.mutate({ conversationId, format: "csv" }),
    );
  };
  await hiddenAndRefused(cast.supervisor, "Supervisor", "導出對話按鈕", "ROLE_NOT_ALLOWED");
  await hiddenAndRefused(cast.appAdmin, "App", "導出對話按鈕（APP）", "CLIENT_NOT_SUPPORTED");
  await t.run(
    {
      id: "export.refusedNoFeature",
      who: cast.islandAdmin.who,
      what: "匯出對話（團隊未申請此特殊設定）",
      expected: "FEATURE_NOT_ENABLED",
    },
    () =>
      cast.islandAdmin.client.conversations.export.mutate({
        conversationId: world.island.conversations.line.conversationId,
        format: "csv",
      }),
  );
};

/** L9: only admin and supervisor delete; afterwards search finds nothing; a receipt answers. */
export const deletion = async ({ t, cast, world }: Stage) => {
  const liu = world.sunny.conversations.liuFacebook;
  const { conversationId } = liu;
  t.section("刪除對話 L9");
  await t.run(
    { id: "delete.searchBefore", who: cast.admin.who, what: "搜尋對話「退貨」" },
    () => cast.admin.client.conversations.search.query({ query: "退貨" }),
    (hits) => ({
      detail: hits.map((h) => `${h.customerName}：${h.snippet ?? ""}`).join("；"),
      value: { hits: hits.length },
    }),
  );
  await t.run(
    {
      id: "delete.refusedAgent",
      who: cast.csAgent.who,
      what: `刪除 ${liu.customerName} 的對話`,
      expected: "ROLE_NOT_ALLOWED",
    },
    () => cast.csAgent.client.conversations.delete.mutate({ conversationId }),
  );
  await t.run(
    { id: "delete.done", who: cast.admin.who, what: `刪除 ${liu.customerName} 的對話（無法復原）` },
    () => cast.admin.client.conversations.delete.mutate({ conversationId }),
    (r) => ({
      detail: `已刪除 · 收據：${r.messages} 則訊息、${r.events} 筆事件、${r.pendingExports} 個待寄導出`,
      lines: [
        `收據 conversation=${r.conversationId} · ${localTime(r.deletedAt)} · 執行者 ${r.deletedBy.memberName ?? "—"}（不含任何內容）`,
      ],
      value: { messages: r.messages, events: r.events, alreadyDeleted: r.alreadyDeleted },
    }),
  );
  await t.run(
    {
      id: "delete.searchAfter",
      who: cast.admin.who,
      what: `再搜尋「退貨」與「${liu.customerName}」`,
    },
    async () => ({
      byText: await cast.admin.client.conversations.search.query({ query: "退貨" }),
      byName: await cast.admin.client.conversations.search.query({ query: liu.customerName }),
    }),
    ({ byText, byName }) => ({
      detail: `${byText.length + byName.length} 筆：對話事件庫中已搜尋不到`,
      value: { byText: byText.length, byName: byName.length },
      problem: unless(
        byText.length + byName.length === 0,
        "the deleted conversation is still found",
      ),
    }),
  );
  await t.run(
    { id: "delete.gone", who: cast.admin.who, what: "開啟已刪除的對話", expected: "NOT_FOUND" },
    () => cast.admin.client.panel.get.query({ conversationId }),
  );
};

/** O1–O2: the OMO binding on LINE; sales may unbind it, a cs_agent may not. */
export const omoUnbinding = async ({ t, cast, world }: Stage) => {
  const wangLine = world.sunny.conversations.wangLine;
  const { conversationId } = wangLine;
  t.section("OMO綁定資訊 O1–O2");
  await t.run(
    {
      id: "omo.shown",
      who: cast.sales.who,
      what: `${wangLine.customerName}（LINE）的 OMO綁定資訊`,
    },
    () => cast.sales.client.panel.get.query({ conversationId }),
    (p) => ({
      detail: p.omo?.binding
        ? `OMO 會員 ${p.omo.binding.omoMemberId}（${localTime(p.omo.binding.boundAt)} 綁定）`
        : "沒有綁定",
      value: { omoMemberId: p.omo?.binding?.omoMemberId ?? null },
    }),
  );
  await t.run(
    {
      id: "omo.refusedAgent",
      who: cast.csAgent.who,
      what: "解除 OMO 綁定",
      expected: "ROLE_NOT_ALLOWED",
    },
    () => cast.csAgent.client.omo.unbind.mutate({ conversationId }),
  );
  await t.run(
    { id: "omo.unbound", who: cast.sales.who, what: "解除 OMO 綁定" },
    async () => {
      const result = await cast.sales.client.omo.unbind.mutate({ conversationId });
      const panel = await cast.sales.client.panel.get.query({ conversationId });
      return { result, panel };
    },
    ({ result, panel }) => ({
      detail: `已解除 · 面板：${panel.omo?.binding ? panel.omo.binding.omoMemberId : "沒有綁定"}`,
      value: { unbound: result.unbound, binding: panel.omo?.binding ?? null },
      problem: unless(panel.omo?.binding === null, "the binding is still shown"),
    }),
  );
};
