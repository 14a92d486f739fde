import { writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import type { PanelClient } from "@customer-panel/client";
import type {
  Capability,
  Channel,
  ConversationEventKind,
  ConversationState,
} from "@customer-panel/core";
import type { PanelHost } from "../panel-host.js";
import type { DemoWorld } from "../seed.js";
import { localTime } from "../team-calendar.js";
import type { Transcript } from "../transcript.js";

/** Someone who acts in the walkthrough: their label and their own client. */
export interface Player {
  /** Role and client as printed, e.g. `cs_agent (web)`. */
  readonly who: string;
  readonly client: PanelClient;
}

/** Everyone in the walkthrough, each with a client holding their own credential. */
export interface Cast {
  readonly admin: Player;
  readonly supervisor: Player;
  readonly csManager: Player;
  readonly csAgent: Player;
  readonly salesManager: Player;
  readonly sales: Player;
  /** The admin on the mobile app. */
  readonly appAdmin: Player;
  /** The channel integration of 晴空選物 (API key). */
  readonly integration: Player;
  readonly islandAdmin: Player;
  readonly islandIntegration: Player;
}

/** What every scenario works with. */
export interface Stage {
  readonly t: Transcript;
  readonly cast: Cast;
  readonly world: DemoWorld;
  readonly host: PanelHost;
  /** Where exports are written. */
  readonly outputDir: string;
  readonly now: Date;
}

const CHANNEL_LABELS: { readonly [C in Channel]: string } = {
  line: "LINE",
  facebook: "Facebook",
  instagram: "Instagram",
  whatsapp: "WhatsApp",
  webchat: "官網對話",
};

/** A channel as the panel names it. */
export const channelLabel = (channel: Channel): string => CHANNEL_LABELS[channel];

const STATE_LABELS: { readonly [S in ConversationState]: string } = {
  pending: "待處理",
  in_progress: "處理中",
  closed: "已結束",
};

/** A conversation state as the panel names it. */
export const stateLabel = (state: ConversationState | null): string =>
  state === null ? "（新）" : `${STATE_LABELS[state]} ${state}`;

/** One entry of a conversation's event log, as printed: when, what, who (E1). */
export const eventLine = (
  event: { readonly at: Date; readonly memberName: string | null } & ConversationEventKind,
): string => {
  const what = (() => {
    switch (event.type) {
      case "state_changed":
        return `狀態 ${stateLabel(event.from)} → ${stateLabel(event.to)}`;
      case "assigned":
        return `指派給 ${event.assigneeName}`;
      case "blocked":
        return "封鎖（狀態功能：有效 關閉）";
      case "unblocked":
        return "解除封鎖（狀態功能：有效 開啟）";
      case "exported":
        return `導出對話（${event.format === "email" ? "Email" : event.format.toUpperCase()}）`;
      case "omo_unbound":
        return "解除 OMO 綁定";
    }
  })();
  return `${localTime(event.at)}  ${what}  · ${event.memberName ?? "客戶／系統"}`;
};

/** The kinds of the reasons an unavailable capability gives (`[]` when available). */
export const reasonKinds = (capability: Capability): string[] =>
  capability.available ? [] : capability.reasons.map((r) => r.kind);

/** The reasons an unavailable capability gives, as one line. */
export const reasonsText = (capability: Capability): string =>
  capability.available
    ? "available"
    : capability.reasons.map((r) => `[${r.kind}] ${r.message}`).join(" ");

/** An amount in minor units as `TWD 3,280`. */
export const money = (currency: string, minor: number): string =>
  `${currency} ${(minor / 100).toLocaleString("en-US")}`;

/** Polls `check` every 20 ms until it answers true; false after `timeoutMs`. */
export const eventually = async (check: () => boolean | Promise<boolean>, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return true;
};

/** A file the walkthrough downloaded. */
export interface Downloaded {
  /** Path as printed: the output folder's name and the file name. */
  readonly shown: string;
  readonly path: string;
  readonly text: string;
  /** The file starts with the UTF-8 byte-order mark (R4). */
  readonly bom: boolean;
  /** Data rows (lines after the header; meaningful for a CSV only). */
  readonly rows: number;
  /** The file's size in bytes. */
  readonly bytes: number;
  /** The file is a ZIP package (an XLSX starts with `PK\x03\x04`). */
  readonly zip: boolean;
}

/**
 * Follows a signed download link as a browser would (a plain GET, no credential: the
 * link is the credential) and saves the file into the output folder.
 */
export const download = async (
  stage: Stage,
  link: { readonly url: string; readonly fileName: string },
): Promise<Downloaded> => {
  const response = await fetch(`${stage.host.url}${link.url}`);
  if (!response.ok) {
    throw new Error(`download answered ${response.status}: ${await response.text()}`);
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  const path = join(stage.outputDir, basename(link.fileName));
  await writeFile(path, bytes);
  const text = bytes.toString("utf8");
  const lines = text.split(/\r?\n/).filter((line) => line !== "");
  return {
    shown: join(basename(stage.outputDir), basename(link.fileName)),
    path,
    text,
    bom: bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf,
    rows: Math.max(0, lines.length - 1),
    bytes: bytes.length,
    zip: bytes.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04])),
  };
};
