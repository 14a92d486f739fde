import { HUANG_WEBSITE_MEMBER, ISLAND_WEBSITE_MEMBER } from "../seed-data.js";
import { unless } from "../transcript.js";
import { eventLine, reasonKinds, reasonsText, type Stage, stateLabel } from "./stage.js";

/** P1–P3: view and edit a profile; the WhatsApp phone lock refuses the whole edit. */
export const profileEditing = async ({ t, cast, world }: Stage) => {
  const { wangWebchat: wang, linWhatsapp: lin } = world.sunny.conversations;
  t.section("客戶資料 P1–P3");
  await t.run(
    {
      id: "profile.view",
      who: cast.csAgent.who,
      what: `點選對話 → 客戶資料（${wang.customerName}，官網對話）`,
    },
    () => cast.csAgent.client.panel.get.query({ conversationId: wang.conversationId }),
    (panel) => ({
      detail: `${panel.customer.displayName} · 電話 ${panel.customer.phone ?? "—"} · 會員 ID ${panel.customer.websiteMemberId ?? "—"}`,
      value: {
        displayName: panel.customer.displayName,
        websiteMemberId: panel.customer.websiteMemberId,
      },
    }),
  );
  await t.run(
    {
      id: "profile.edit",
      who: cast.csAgent.who,
      what: `編輯 ${wang.customerName} 的郵件、電話、備註`,
    },
    () =>
      cast.csAgent.client.profile.update.mutate({
        customerId: wang.customerId,
        email: "xiaoming.wang@example.com",
        phone: "+886 912 000 111",
        note: "偏好晚上聯絡；外套穿 M 號",
      }),
    (result) => ({
      detail: result.changes.map((c) => `${c.field}: ${c.from ?? "∅"} → ${c.to ?? "∅"}`).join("；"),
      value: { fields: result.changes.map((c) => c.field), phone: result.customer.phone },
      problem: unless(result.customer.phone === "+886912000111", "phone not stored as E.164"),
    }),
  );
  await t.run(
    {
      id: "profile.whatsappPhone",
      who: cast.csAgent.who,
      what: `${lin.customerName}（WhatsApp）的電話欄位`,
    },
    () => cast.csAgent.client.panel.get.query({ conversationId: lin.conversationId }),
    (panel) => ({
      detail: `${panel.customer.phone ?? "—"}（自動帶入）· 編輯電話：${reasonsText(panel.capabilities.editPhone)}`,
      value: { phone: panel.customer.phone, editPhone: reasonKinds(panel.capabilities.editPhone) },
      problem: unless(panel.customer.phone === "+886912345678", "the wa_id did not fill the phone"),
    }),
  );
  await t.run(
    {
      id: "profile.phoneLocked",
      who: cast.csAgent.who,
      what: `把 ${lin.customerName} 的電話改成 +886 987 654 321，並加上備註`,
      expected: "PHONE_LOCKED",
    },
    () =>
      cast.csAgent.client.profile.update.mutate({
        customerId: lin.customerId,
        phone: "+886987654321",
        note: "週六下午取貨",
      }),
  );
  await t.run(
    {
      id: "profile.nothingWritten",
      who: cast.csAgent.who,
      what: `重新查看 ${lin.customerName} 的客戶資料`,
    },
    () => cast.csAgent.client.panel.get.query({ conversationId: lin.conversationId }),
    (panel) => ({
      detail: `電話仍是 ${panel.customer.phone}，備註 ${panel.customer.note ?? "（空白）"}：整筆編輯都沒有寫入`,
      value: { phone: panel.customer.phone, note: panel.customer.note },
      problem: unless(panel.customer.note === null, "part of a refused edit was written"),
    }),
  );
};

/** P4: the pixel fills the member id (with `pixel` only); P5: each member hides the panel. */
export const pixelAndHiding = async ({ t, cast, world }: Stage) => {
  const huang = world.sunny.conversations.huangWebchat;
  const lin = world.sunny.conversations.linWhatsapp;
  const islandWeb = world.island.conversations.webchat;
  t.section("會員 ID 與隱藏客戶資料 P4–P5");
  await t.run(
    {
      id: "pixel.login",
      who: cast.integration.who,
      what: `Omnichat pixel：${huang.customerName} 以官網會員 ${HUANG_WEBSITE_MEMBER} 登入`,
    },
    () =>
      cast.integration.client.ingest.memberLogin.mutate({
        visitorId: huang.externalUserId,
        websiteMemberId: HUANG_WEBSITE_MEMBER,
      }),
    (result) => ({
      detail: result.filled ? "會員 ID 已自動帶入客戶資料" : "沒有帶入",
      value: { filled: result.filled },
      problem: unless(result.filled, "the member id was not filled"),
    }),
  );
  await t.run(
    { id: "pixel.panel", who: cast.csAgent.who, what: `查看 ${huang.customerName} 的客戶資料` },
    () => cast.csAgent.client.panel.get.query({ conversationId: huang.conversationId }),
    (panel) => ({
      detail: `會員 ID：${panel.customer.websiteMemberId ?? "—"}（唯讀，成員不可編輯）`,
      value: { websiteMemberId: panel.customer.websiteMemberId },
      problem: unless(
        panel.customer.websiteMemberId === HUANG_WEBSITE_MEMBER,
        "member id not shown",
      ),
    }),
  );
  await t.run(
    {
      id: "pixel.noPixelLogin",
      who: cast.islandIntegration.who,
      what: `${islandWeb.customerName} 以會員 ${ISLAND_WEBSITE_MEMBER} 登入（${world.island.name}，無 pixel 方案）`,
    },
    () =>
      cast.islandIntegration.client.ingest.memberLogin.mutate({
        visitorId: islandWeb.externalUserId,
        websiteMemberId: ISLAND_WEBSITE_MEMBER,
      }),
    (result) => ({
      detail: result.filled ? "帶入了" : "團隊沒有 pixel：不帶入",
      value: { filled: result.filled },
      problem: unless(!result.filled, "filled without pixel"),
    }),
  );
  await t.run(
    {
      id: "pixel.noPixelPanel",
      who: cast.islandAdmin.who,
      what: `查看 ${islandWeb.customerName} 的客戶資料`,
    },
    () => cast.islandAdmin.client.panel.get.query({ conversationId: islandWeb.conversationId }),
    (panel) => ({
      detail: `會員 ID：${panel.customer.websiteMemberId ?? "—"} · ${reasonsText(panel.capabilities.viewMemberId)}`,
      value: {
        websiteMemberId: panel.customer.websiteMemberId,
        reasons: reasonKinds(panel.capabilities.viewMemberId),
      },
    }),
  );
  await t.run(
    { id: "panel.hide", who: cast.csAgent.who, what: "點擊右上方眼睛圖示，隱藏客戶資料" },
    () => cast.csAgent.client.preferences.setPanelHidden.mutate({ hidden: true }),
    (result) => ({ detail: result.hidden ? "已隱藏" : "顯示中", value: { hidden: result.hidden } }),
  );
  await t.run(
    {
      id: "panel.hiddenRemembered",
      who: cast.csAgent.who,
      what: `切換到 ${lin.customerName} 的對話`,
    },
    async () => ({
      agent: await cast.csAgent.client.panel.get.query({ conversationId: lin.conversationId }),
      admin: await cast.admin.client.panel.get.query({ conversationId: lin.conversationId }),
    }),
    ({ agent, admin }) => ({
      detail: `張雅婷 的面板：${agent.panelHidden ? "隱藏" : "顯示"}；陳怡君 的面板：${admin.panelHidden ? "隱藏" : "顯示"}（每位成員各自記住）`,
      value: { agentHidden: agent.panelHidden, adminHidden: admin.panelHidden },
      problem: unless(agent.panelHidden && !admin.panelHidden, "the choice is not per member"),
    }),
  );
  await t.run(
    { id: "panel.show", who: cast.csAgent.who, what: "再點一次眼睛圖示，顯示客戶資料" },
    () => cast.csAgent.client.preferences.setPanelHidden.mutate({ hidden: false }),
    (result) => ({ detail: result.hidden ? "已隱藏" : "顯示中", value: { hidden: result.hidden } }),
  );
};

/** E1–E2: assign, follow up, close, reopen — and the log says when and who. */
export const eventLog = async ({ t, cast, world }: Stage) => {
  const wang = world.sunny.conversations.wangWebchat;
  const conversationId = wang.conversationId;
  const agent = world.sunny.members.cs_agent;
  t.section("事件狀態紀錄 E1–E2");
  await t.run(
    {
      id: "events.assign",
      who: cast.csManager.who,
      what: `把 ${wang.customerName} 的對話指派給 ${agent.name}`,
    },
    () =>
      cast.csManager.client.conversations.changeState.mutate({
        conversationId,
        command: "assign",
        assigneeId: agent.id,
      }),
    (r) => ({
      detail: `${stateLabel(r.state)} · 負責人 ${agent.name}`,
      value: { state: r.state, assigneeId: r.assigneeId },
    }),
  );
  for (const [id, player, command, label, expected] of [
    ["events.followUp", cast.csAgent, "follow_up", "跟進", "ok"],
    ["events.close", cast.csAgent, "close", "結束事件", "ok"],
    [
      "events.followUpClosed",
      cast.csAgent,
      "follow_up",
      "跟進已結束的事件",
      "INVALID_STATE_TRANSITION",
    ],
    ["events.reopen", cast.supervisor, "reopen", "重啟事件", "ok"],
  ] as const) {
    await t.run(
      { id, who: player.who, what: label, expected },
      () => player.client.conversations.changeState.mutate({ conversationId, command }),
      (r) => ({ detail: stateLabel(r.state), value: { state: r.state } }),
    );
  }
  await t.run(
    { id: "events.list", who: cast.supervisor.who, what: "查看事件狀態紀錄" },
    () => cast.supervisor.client.events.list.query({ conversationId, limit: 50 }),
    (page) => {
      const oldestFirst = [...page.events].reverse();
      return {
        detail: `${page.events.length} 筆紀錄（日期、時間、負責人員）`,
        lines: oldestFirst.map(eventLine),
        value: {
          types: oldestFirst.map((e) => e.type),
          members: oldestFirst.map((e) => e.memberName),
        },
      };
    },
  );
};
