import { lastDays } from "../team-calendar.js";
import { unless } from "../transcript.js";
import { type Downloaded, download, type Stage } from "./stage.js";

/** The tag the walkthrough creates, applies twice and removes. */
export const NEW_TAG = "外套補貨通知";

const frequencyLine = (tags: readonly { readonly name: string; readonly applications: number }[]) =>
  tags.map((f) => `${f.name} ×${f.applications}`).join("、");

const frequencyValue = (
  tags: readonly { readonly name: string; readonly applications: number }[],
) => Object.fromEntries(tags.map((f) => [f.name, f.applications]));

/** T2–T6: suggestions while typing, a new tag, the repeat confirmation, removal, frequency. */
export const tagging = async ({ t, cast, world }: Stage) => {
  const wang = world.sunny.conversations.wangWebchat;
  const { customerId, conversationId } = wang;
  const agent = cast.csAgent;
  t.section("為客戶貼上標籤 T2–T6");
  await t.run(
    { id: "tags.suggest", who: agent.who, what: "在「添加標籤」輸入「V」" },
    () => agent.client.tags.suggest.query({ query: "V" }),
    (suggestions) => ({
      detail: suggestions.map((s) => `${s.name}（${s.uses}）`).join("、"),
      value: { names: suggestions.map((s) => s.name) },
      problem: unless(suggestions[0]?.name === "VIP", "VIP is not suggested first"),
    }),
  );
  const applied = await t.run(
    {
      id: "tags.applyNew",
      who: agent.who,
      what: `輸入「${NEW_TAG}」按 Enter，貼到 ${wang.customerName}`,
    },
    () => agent.client.tags.apply.mutate({ customerId, conversationId, name: NEW_TAG }),
    (r) => ({
      detail:
        r.kind === "applied"
          ? `已貼上（新建團隊標籤）· 次數 ${r.count} · 渠道 ${r.channel}`
          : r.kind,
      value: { kind: r.kind, count: r.count },
      problem: unless(r.kind === "applied" && r.count === 1, "not applied once"),
    }),
  );
  await t.run(
    { id: "tags.applyAgain", who: agent.who, what: `再貼一次「${NEW_TAG}」` },
    () => agent.client.tags.apply.mutate({ customerId, conversationId, name: NEW_TAG }),
    (r) => ({
      detail:
        r.kind === "confirmation_required"
          ? `需要確認：「要再次貼上此標籤嗎？」${r.name}（目前 ${r.count} 次）`
          : `沒有詢問就貼上了（${r.kind}）`,
      value: { kind: r.kind, count: r.count },
      problem: unless(r.kind === "confirmation_required", "a repeat was applied silently"),
    }),
  );
  await t.run(
    { id: "tags.confirmed", who: agent.who, what: "確認再次貼上" },
    () =>
      agent.client.tags.apply.mutate({ customerId, conversationId, name: NEW_TAG, confirm: true }),
    (r) => ({
      detail: `${r.name} 次數 +1 → ${r.count}`,
      value: { kind: r.kind, count: r.count },
      problem: unless(r.kind === "applied" && r.count === 2, "the count is not 2"),
    }),
  );
  const tagId = applied?.tagId;
  await t.run(
    { id: "tags.remove", who: agent.who, what: `點擊「${NEW_TAG}」的 X 移除` },
    async () => {
      if (tagId === undefined) throw new Error("the new tag was not applied");
      const removed = await agent.client.tags.remove.mutate({ customerId, tagId });
      const panel = await agent.client.panel.get.query({ conversationId });
      return { removed, panel };
    },
    ({ removed, panel }) => ({
      detail: `已移除（原本 ${removed.previousCount} 次）· 客戶標籤：${panel.tags.map((g) => `${g.name}×${g.count}`).join("、")}`,
      value: {
        removed: removed.removed,
        previousCount: removed.previousCount,
        tags: panel.tags.map((g) => g.name),
      },
      problem: unless(!panel.tags.some((g) => g.name === NEW_TAG), "the tag is still on"),
    }),
  );
  await t.run(
    { id: "tags.frequency", who: agent.who, what: `標籤頻次（${wang.customerName}，全部時間）` },
    () => agent.client.tags.frequency.query({ customerId }),
    (r) => ({ detail: frequencyLine(r.tags), value: { counts: frequencyValue(r.tags) } }),
  );
  const week = lastDays(7);
  await t.run(
    {
      id: "tags.frequencyRange",
      who: agent.who,
      what: `標籤頻次，依貼標時間篩選 ${week.from} ～ ${week.to}`,
    },
    () => agent.client.tags.frequency.query({ customerId, ...week }),
    (r) => ({ detail: frequencyLine(r.tags), value: { counts: frequencyValue(r.tags), ...week } }),
  );
};

const savedWorkbook = (file: Downloaded) => ({
  detail: `${file.shown}（XLSX，${file.bytes} bytes）`,
  value: { file: file.path, zip: file.zip },
  problem: unless(file.zip, "the XLSX is not a ZIP package"),
});

const savedReport = (file: Downloaded) => ({
  detail: `${file.shown}（${file.rows} 列，UTF-8 BOM${file.bom ? "" : " 缺少"}）`,
  value: { file: file.path, bom: file.bom, rows: file.rows },
  problem: unless(file.bom, "the CSV has no byte-order mark"),
});

/** R1–R4: 30-day tag reports as CSV and XLSX files; 31 days are refused, never cut short. */
export const tagReports = async (stage: Stage) => {
  const { t, cast } = stage;
  const manager = cast.csManager;
  const month = lastDays(30);
  t.section("標籤管理 → 依時間區間篩選 R1–R4");
  await t.run(
    {
      id: "reports.stats",
      who: manager.who,
      what: `匯出貼標統計數據 ${month.from} ～ ${month.to}（30 天）`,
    },
    async () => download(stage, await manager.client.tagReports.stats.query(month)),
    savedReport,
  );
  await t.run(
    {
      id: "reports.records",
      who: manager.who,
      what: `匯出貼標逐筆紀錄 ${month.from} ～ ${month.to}（30 天）`,
    },
    async () => download(stage, await manager.client.tagReports.records.query(month)),
    savedReport,
  );
  for (const kind of ["stats", "records"] as const) {
    await t.run(
      {
        id: `reports.${kind}Xlsx`,
        who: manager.who,
        what: `匯出${kind === "stats" ? "貼標統計數據" : "貼標逐筆紀錄"} XLSX ${month.from} ～ ${month.to}`,
      },
      async () =>
        download(stage, await manager.client.tagReports[kind].query({ ...month, format: "xlsx" })),
      savedWorkbook,
    );
  }
  const tooLong = lastDays(31);
  await t.run(
    {
      id: "reports.tooLong",
      who: manager.who,
      what: `匯出 ${tooLong.from} ～ ${tooLong.to}（31 天）`,
      expected: "REPORT_RANGE_TOO_LONG",
    },
    () => manager.client.tagReports.stats.query(tooLong),
  );
  await t.run(
    {
      id: "reports.agentRefused",
      who: cast.csAgent.who,
      what: "匯出貼標統計數據",
      expected: "ROLE_NOT_ALLOWED",
    },
    () => cast.csAgent.client.tagReports.stats.query(month),
  );
};
