import type { PanelChange } from "@customer-panel/core";
import { localTime } from "../team-calendar.js";
import { unless } from "../transcript.js";
import {
  channelLabel,
  eventLine,
  eventually,
  money,
  reasonKinds,
  reasonsText,
  type Stage,
} from "./stage.js";

/** L1–L4: bound channels with "go to conversation"; orders shown or hidden, and why. */
export const boundChannelsAndOrders = async ({ t, cast, world }: Stage) => {
  const { wangWebchat: wang, chenInstagram: chen } = world.sunny.conversations;
  const islandLine = world.island.conversations.line;
  const agent = cast.csAgent;
  t.section("客戶資料下半段：已綁定渠道、購物車及最近90天訂單 L1–L4");
  const panel = await t.run(
    { id: "bound.channels", who: agent.who, what: `${wang.customerName}（官網對話）的已綁定渠道` },
    () => agent.client.panel.get.query({ conversationId: wang.conversationId }),
    (p) => ({
      detail: p.boundChannels.map((b) => channelLabel(b.channel)).join("、"),
      lines: p.boundChannels.map(
        (b) => `${channelLabel(b.channel)} → 前往對話 ${b.conversationId}`,
      ),
      value: { channels: p.boundChannels.map((b) => b.channel).sort() },
    }),
  );
  const line = panel?.boundChannels.find((b) => b.channel === "line");
  await t.run(
    { id: "bound.goTo", who: agent.who, what: "點擊 LINE 的「前往對話」" },
    async () => {
      if (line === undefined) throw new Error("no bound LINE conversation to go to");
      return agent.client.panel.get.query({ conversationId: line.conversationId });
    },
    (p) => ({
      detail: `${channelLabel(p.conversation.channel)} 對話 · ${p.customer.displayName} · 其他渠道：${p.boundChannels.map((b) => channelLabel(b.channel)).join("、")} · 訂單 ${p.commerce?.orders.length ?? 0} 筆`,
      value: { channel: p.conversation.channel, orders: p.commerce?.orders.length ?? null },
    }),
  );
  await t.run(
    { id: "orders.shown", who: agent.who, what: `${wang.customerName} 的購物車及最近90天訂單` },
    () => agent.client.panel.get.query({ conversationId: wang.conversationId }),
    (p) => {
      const orders = p.commerce?.orders ?? [];
      const cart = p.commerce?.cart ?? null;
      return {
        detail: `${orders.length} 筆訂單（90 天前的不列出）· 購物車 ${cart?.items.length ?? 0} 項`,
        lines: [
          ...orders.map(
            (o) =>
              `訂單 ${o.orderId} · ${localTime(o.placedAt)} · ${money(o.currency, o.total)} · ${o.items.map((i) => `${i.name}×${i.quantity}`).join("、")}`,
          ),
          ...(cart
            ? [`購物車 · ${cart.items.map((i) => `${i.name}×${i.quantity}`).join("、")}`]
            : []),
        ],
        value: { orderIds: orders.map((o) => o.orderId), cartItems: cart?.items.length ?? 0 },
      };
    },
  );
  await t.run(
    {
      id: "orders.hiddenUnbound",
      who: agent.who,
      what: `${chen.customerName}（Instagram，未完成社群身分綁定）的訂單`,
    },
    () => agent.client.panel.get.query({ conversationId: chen.conversationId }),
    (p) => ({
      detail: `不顯示 · ${reasonsText(p.capabilities.viewOrders)}`,
      value: { commerce: p.commerce, reasons: reasonKinds(p.capabilities.viewOrders) },
      problem: unless(p.commerce === null, "orders shown without binding"),
    }),
  );
  await t.run(
    {
      id: "orders.hiddenNoPixel",
      who: cast.islandAdmin.who,
      what: `${islandLine.customerName}（LINE，已綁定；${world.island.name} 沒有 pixel）的訂單`,
    },
    () => cast.islandAdmin.client.panel.get.query({ conversationId: islandLine.conversationId }),
    (p) => ({
      detail: `不顯示 · ${reasonsText(p.capabilities.viewOrders)}`,
      value: { commerce: p.commerce, reasons: reasonKinds(p.capabilities.viewOrders) },
      problem: unless(p.commerce === null, "orders shown without pixel"),
    }),
  );
};

/** L5: turning "active" off blocks the customer at ingress; on again receives them again. */
export const blocking = async ({ t, cast, world }: Stage) => {
  const lee = world.sunny.conversations.leeLine;
  const { conversationId } = lee;
  const identity = { channel: lee.channel, externalUserId: lee.externalUserId };
  t.section("對話狀態（封鎖） L5");
  await t.run(
    {
      id: "status.block",
      who: cast.csAgent.who,
      what: `關閉 ${lee.customerName} 的「狀態功能：有效」`,
    },
    () => cast.csAgent.client.conversations.setStatus.mutate({ conversationId, active: false }),
    (r) => ({ detail: r.active ? "有效" : "已封鎖", value: { active: r.active } }),
  );
  await t.run(
    {
      id: "status.blockedInbound",
      who: cast.integration.who,
      what: `${lee.customerName} 在 LINE 傳來「你們還在嗎？」`,
      expected: "CONVERSATION_BLOCKED",
    },
    () =>
      cast.integration.client.ingest.message.mutate({
        identity,
        sender: "customer",
        content: "你們還在嗎？",
      }),
  );
  await t.run(
    { id: "status.unblock", who: cast.csAgent.who, what: "再次啟用對話狀態" },
    () => cast.csAgent.client.conversations.setStatus.mutate({ conversationId, active: true }),
    (r) => ({ detail: r.active ? "有效" : "已封鎖", value: { active: r.active } }),
  );
  await t.run(
    {
      id: "status.received",
      who: cast.integration.who,
      what: `${lee.customerName} 再傳「請問週日有營業嗎？」`,
    },
    () =>
      cast.integration.client.ingest.message.mutate({
        identity,
        sender: "customer",
        content: "請問週日有營業嗎？",
      }),
    (r) => ({
      detail: "已收到，存入同一個對話",
      value: { conversationId: r.conversationId },
      problem: unless(r.conversationId === conversationId, "landed in another conversation"),
    }),
  );
  await t.run(
    { id: "status.log", who: cast.csAgent.who, what: `${lee.customerName} 的事件狀態紀錄` },
    () => cast.csAgent.client.events.list.query({ conversationId, limit: 50 }),
    (page) => {
      const changes = [...page.events]
        .reverse()
        .filter((e) => e.type === "blocked" || e.type === "unblocked");
      return {
        detail: "封鎖與解除封鎖都記在事件紀錄",
        lines: changes.map(eventLine),
        value: { types: changes.map((e) => e.type) },
      };
    },
  );
  await t.run(
    { id: "status.search", who: cast.csAgent.who, what: "搜尋「你們還在嗎」（封鎖時的訊息）" },
    () => cast.csAgent.client.conversations.search.query({ query: "你們還在嗎" }),
    (hits) => ({
      detail: hits.length === 0 ? "找不到：封鎖時的訊息沒有存下來" : `${hits.length} 筆`,
      value: { hits: hits.length },
    }),
  );
};

/** L6, B6: the last message page, then "user offline" pushed to a live subscriber over SSE. */
export const presence = async ({ t, cast, world, host }: Stage) => {
  const wang = world.sunny.conversations.wangWebchat;
  const { conversationId } = wang;
  const admin = cast.admin;
  t.section("最後傳送訊息頁面與即時更新 L6, B6");
  const received: { readonly change: PanelChange; readonly at: number }[] = [];
  const subscription = admin.client.panel.onChange.subscribe(
    { conversationId },
    { onData: (event) => received.push({ change: event.data, at: performance.now() }) },
  );
  try {
    await t.run(
      {
        id: "presence.subscribe",
        who: admin.who,
        what: `開著 ${wang.customerName} 的對話（panel.onChange，SSE）`,
      },
      async () => {
        // The panel is live once the server holds the subscription past its backlog.
        if (!(await eventually(() => host.changes.subscriberCount() > 0))) {
          throw new Error("the subscription did not start");
        }
        return host.changes.subscriberCount();
      },
      (count) => ({
        detail: `已訂閱（伺服器上 ${count} 個即時訂閱）`,
        value: { subscribers: count },
      }),
    );
    const pageUrl = "https://shop.sunny-select.example.tw/products/light-down-jacket?size=M";
    await t.run(
      {
        id: "presence.visit",
        who: cast.integration.who,
        what: `${wang.customerName} 正在瀏覽「輕量羽絨外套」商品頁`,
      },
      () =>
        cast.integration.client.ingest.pageVisit.mutate({
          visitorId: wang.externalUserId,
          pageUrl,
          pageTitle: "輕量羽絨外套｜晴空選物",
        }),
      (r) => ({
        detail: r.lastPage.status === "online" ? "在線上" : "離線",
        value: { status: r.lastPage.status },
      }),
    );
    await t.run(
      { id: "presence.online", who: admin.who, what: "最後傳送訊息頁面" },
      () => admin.client.panel.get.query({ conversationId }),
      (p) => ({
        detail:
          p.lastPage?.status === "online"
            ? `${p.lastPage.pageTitle ?? ""} ${p.lastPage.pageUrl}`
            : "用戶已離線",
        value: { status: p.lastPage?.status ?? null },
        problem: unless(p.lastPage?.status === "online", "the page is not shown"),
      }),
    );
    const before = received.length;
    const closedAt = performance.now();
    await t.run(
      { id: "presence.closed", who: cast.integration.who, what: `${wang.customerName} 關閉了網頁` },
      () => cast.integration.client.ingest.pageClosed.mutate({ visitorId: wang.externalUserId }),
      (r) => ({
        detail: r.lastPage.status === "online" ? "在線上" : "離線",
        value: { status: r.lastPage.status },
      }),
    );
    await t.run(
      { id: "presence.pushed", who: admin.who, what: "即時收到面板變更" },
      async () => {
        const pushed = () => received.slice(before).find((r) => r.change.kind === "presence");
        if (!(await eventually(() => pushed() !== undefined))) throw new Error("no change arrived");
        const change = pushed();
        return { kind: change?.change.kind, ms: Math.round((change?.at ?? closedAt) - closedAt) };
      },
      (r) => ({
        detail: `收到 ${r.kind} 變更（${r.ms} ms 內），重新讀取面板`,
        value: { received: true, kind: r.kind },
      }),
    );
    await t.run(
      { id: "presence.offline", who: admin.who, what: "最後傳送訊息頁面" },
      () => admin.client.panel.get.query({ conversationId }),
      (p) => ({
        detail:
          p.lastPage?.status === "offline"
            ? "用戶已離線（不保留先前頁面連結）"
            : `仍顯示 ${p.lastPage?.status}`,
        value: {
          status: p.lastPage?.status ?? null,
          pageUrl: p.lastPage?.status === "online" ? p.lastPage.pageUrl : null,
        },
        problem: unless(p.lastPage?.status === "offline", "not offline"),
      }),
    );
  } finally {
    subscription.unsubscribe();
  }
};
