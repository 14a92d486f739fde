import type { Channel, Role, SenderType, TagMethod } from "@customer-panel/core";

/**
 * What the demo seeds, as data: two teams of a Taiwanese shop and café, their members,
 * customers on every channel, messages, bindings, orders and several weeks of tags.
 */

/** The main team: every plan feature on. */
export const SUNNY_TEAM = { name: "晴空選物 Sunny Select", timeZone: "Asia/Taipei" } as const;

/** The second team: no `pixel` (orders and the member id stay hidden), no export, no OMO. */
export const ISLAND_TEAM = { name: "小島咖啡 Island Café", timeZone: "Asia/Taipei" } as const;

/** One member per role (角色) of the main team. */
export const SUNNY_MEMBERS: { readonly [R in Role]: string } = {
  admin: "陳怡君",
  supervisor: "林志豪",
  cs_manager: "黃淑芬",
  cs_agent: "張雅婷",
  sales_manager: "李建宏",
  sales: "吳佩珊",
};

/** The second team's admin. */
export const ISLAND_ADMIN = "蔡明哲";

/** One line of a conversation; agent lines are written by the team's cs_agent. */
export interface ScriptLine {
  readonly sender: SenderType;
  readonly content: string;
  /** Minutes before now. */
  readonly minutesAgo: number;
}

/** A customer's conversation on one channel. */
export interface ConversationScript {
  readonly channel: Channel;
  readonly externalUserId: string;
  readonly displayName: string;
  /** WhatsApp only: the wa_id (digits without +). */
  readonly waId?: string;
  readonly lines: readonly ScriptLine[];
}

const DAY = 24 * 60;

/** The main team's conversations, by the key the walkthrough uses. */
export const SUNNY_CONVERSATIONS = {
  wangWebchat: {
    channel: "webchat",
    externalUserId: "visitor-8f3a21c0",
    displayName: "王小明",
    lines: [
      { sender: "customer", content: "請問這件外套還有M號嗎？", minutesAgo: 2 * DAY + 40 },
      {
        sender: "bot",
        content: "您好，歡迎光臨晴空選物！客服人員將盡快為您服務。",
        minutesAgo: 2 * DAY + 40,
      },
      { sender: "agent", content: "您好，羽絨外套M號目前還有庫存喔！", minutesAgo: 2 * DAY + 31 },
      { sender: "customer", content: "太好了，那我直接下單～", minutesAgo: 2 * DAY + 29 },
    ],
  },
  wangLine: {
    channel: "line",
    externalUserId: "U4f2c8e1a9b7d6c5e4f3a2b1c0d9e8f7a",
    displayName: "王小明",
    lines: [
      { sender: "customer", content: "我上週買的外套想換成L號，可以嗎？", minutesAgo: DAY + 300 },
      {
        sender: "agent",
        content: "可以的，請提供訂單編號，我們幫您處理換貨。",
        minutesAgo: DAY + 290,
      },
    ],
  },
  wangFacebook: {
    channel: "facebook",
    externalUserId: "6123456789012345",
    displayName: "王小明",
    lines: [
      { sender: "customer", content: "週年慶的折扣碼要怎麼使用？", minutesAgo: 5 * DAY },
      {
        sender: "bot",
        content: "結帳時輸入折扣碼即可折抵，如有問題請洽客服。",
        minutesAgo: 5 * DAY,
      },
    ],
  },
  linWhatsapp: {
    channel: "whatsapp",
    externalUserId: "886912345678",
    waId: "886912345678",
    displayName: "林美麗",
    lines: [
      { sender: "customer", content: "你好，我想預約週六下午到門市取貨", minutesAgo: 180 },
      {
        sender: "bot",
        content: "您好，這裡是晴空選物自動回覆，客服人員稍後回覆您。",
        minutesAgo: 180,
      },
      { sender: "agent", content: "沒問題，已為您保留到週六晚上八點。", minutesAgo: 170 },
      { sender: "customer", content: "謝謝！", minutesAgo: 168 },
    ],
  },
  chenInstagram: {
    channel: "instagram",
    externalUserId: "17841400123456789",
    displayName: "陳大文",
    lines: [
      { sender: "customer", content: "這款托特包有黑色嗎？", minutesAgo: 3 * DAY },
      { sender: "agent", content: "黑色目前缺貨，預計下週到貨。", minutesAgo: 3 * DAY - 20 },
    ],
  },
  leeLine: {
    channel: "line",
    externalUserId: "U9b1e7d3c5a2f4e6b8d0c1a3e5f7b9d2c",
    displayName: "李志明",
    lines: [
      { sender: "customer", content: "請問台北門市的營業時間？", minutesAgo: 600 },
      { sender: "bot", content: "門市營業時間為每日 11:00–21:00。", minutesAgo: 600 },
    ],
  },
  liuFacebook: {
    channel: "facebook",
    externalUserId: "6987654321098765",
    displayName: "劉志強",
    lines: [
      {
        sender: "customer",
        content: "我要退貨，訂單編號 SO-20250311-0042，商品有瑕疵。",
        minutesAgo: 90,
      },
      { sender: "agent", content: "很抱歉造成不便，已為您建立退貨申請。", minutesAgo: 80 },
    ],
  },
  huangWebchat: {
    channel: "webchat",
    externalUserId: "visitor-2b7c90d4",
    displayName: "黃小玲",
    lines: [
      { sender: "customer", content: "運費怎麼算？滿多少免運？", minutesAgo: 45 },
      { sender: "bot", content: "全館滿 NT$1,500 免運。", minutesAgo: 45 },
    ],
  },
} as const satisfies Record<string, ConversationScript>;

/** Keys of the main team's conversations. */
export type SunnyConversationKey = keyof typeof SUNNY_CONVERSATIONS;

/** The second team's conversations: one person on webchat and on LINE. */
export const ISLAND_CONVERSATIONS = {
  webchat: {
    channel: "webchat",
    externalUserId: "visitor-c0ffee01",
    displayName: "蔡依婷",
    lines: [{ sender: "customer", content: "請問可以預訂週末的座位嗎？", minutesAgo: 240 }],
  },
  line: {
    channel: "line",
    externalUserId: "U1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f",
    displayName: "蔡依婷",
    lines: [{ sender: "customer", content: "我的咖啡豆訂單出貨了嗎？", minutesAgo: 120 }],
  },
} as const satisfies Record<string, ConversationScript>;

/** Keys of the second team's conversations. */
export type IslandConversationKey = keyof typeof ISLAND_CONVERSATIONS;

/** 王小明's website member account: his LINE and Facebook identities bind to it (L1). */
export const WANG_WEBSITE_MEMBER = "M-10086";
/** 黃小玲's website member account, seen by the pixel during the walkthrough (P4). */
export const HUANG_WEBSITE_MEMBER = "M-30555";
/** 陳大文's website member account: he has orders, but his Instagram is not bound (L4). */
export const CHEN_WEBSITE_MEMBER = "M-20488";
/** 蔡依婷's member account at the café, whose team has no pixel (L3). */
export const ISLAND_WEBSITE_MEMBER = "CAFE-301";

/** An order line; prices are in minor units (TWD cents). */
export interface OrderLine {
  readonly sku: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

/** An order `daysAgo` days old. */
export interface OrderScript {
  readonly orderId: string;
  readonly daysAgo: number;
  readonly items: readonly OrderLine[];
}

/** Orders inside and outside the 90-day window (L2), and a cart. */
export const WANG_ORDERS: readonly OrderScript[] = [
  {
    orderId: "SO-1012",
    daysAgo: 12,
    items: [{ sku: "JK-DOWN-M", name: "輕量羽絨外套 M", quantity: 1, unitPrice: 328_000 }],
  },
  {
    orderId: "SO-0987",
    daysAgo: 47,
    items: [{ sku: "SC-WOOL-GY", name: "羊毛圍巾 灰", quantity: 2, unitPrice: 89_000 }],
  },
  {
    orderId: "SO-0833",
    daysAgo: 130,
    items: [{ sku: "BG-TOTE-NV", name: "帆布托特包 深藍", quantity: 1, unitPrice: 129_000 }],
  },
];

/** 王小明's current cart. */
export const WANG_CART: readonly OrderLine[] = [
  { sku: "SK-WOOL-3P", name: "保暖羊毛襪 三入", quantity: 1, unitPrice: 45_000 },
];

/** 陳大文's orders (hidden on his unbound Instagram conversation). */
export const CHEN_ORDERS: readonly OrderScript[] = [
  {
    orderId: "SO-1004",
    daysAgo: 14,
    items: [{ sku: "BG-TOTE-BK", name: "帆布托特包 黑", quantity: 1, unitPrice: 129_000 }],
  },
];

/** 蔡依婷's café orders (hidden: the café has no pixel). */
export const ISLAND_ORDERS: readonly OrderScript[] = [
  {
    orderId: "IC-7781",
    daysAgo: 5,
    items: [{ sku: "BEAN-YIRG", name: "耶加雪菲咖啡豆 半磅", quantity: 2, unitPrice: 45_000 }],
  },
];

/** One past tag application: by the integration (bot, broadcast) or by a member. */
export interface TagHistoryEntry {
  readonly customer: SunnyConversationKey;
  readonly tag: string;
  readonly method: Exclude<TagMethod, "manual"> | { readonly member: Role };
  readonly daysAgo: number;
}

/** Several weeks of tagging, oldest first (repeats are counted, T4). */
export const TAG_HISTORY: readonly TagHistoryEntry[] = [
  { customer: "wangWebchat", tag: "VIP", method: "broadcast", daysAgo: 35 },
  { customer: "wangWebchat", tag: "回購", method: "auto_reply", daysAgo: 25 },
  { customer: "wangWebchat", tag: "VIP", method: { member: "cs_agent" }, daysAgo: 20 },
  { customer: "wangLine", tag: "VIP", method: { member: "sales" }, daysAgo: 16 },
  { customer: "wangWebchat", tag: "新品通知", method: "broadcast", daysAgo: 14 },
  { customer: "linWhatsapp", tag: "新品通知", method: "broadcast", daysAgo: 14 },
  { customer: "leeLine", tag: "新品通知", method: "broadcast", daysAgo: 14 },
  { customer: "linWhatsapp", tag: "回購", method: "auto_reply", daysAgo: 10 },
  { customer: "linWhatsapp", tag: "VIP", method: { member: "cs_manager" }, daysAgo: 9 },
  { customer: "huangWebchat", tag: "Vegan 素食", method: { member: "cs_agent" }, daysAgo: 8 },
  { customer: "wangWebchat", tag: "VIP", method: { member: "sales" }, daysAgo: 6 },
  { customer: "chenInstagram", tag: "LV包款", method: { member: "sales" }, daysAgo: 4 },
  { customer: "wangWebchat", tag: "回購", method: "auto_reply", daysAgo: 3 },
  { customer: "chenInstagram", tag: "潛在客戶", method: "auto_reply", daysAgo: 2 },
  { customer: "huangWebchat", tag: "潛在客戶", method: "auto_reply", daysAgo: 1 },
  { customer: "liuFacebook", tag: "退貨處理", method: { member: "cs_agent" }, daysAgo: 0 },
];
