import type { Channel, SenderType, TagMethod } from "./vocabulary.js";

/** One tag's statistics over a report window (R2). */
export interface TagStatsRow {
  readonly tagName: string;
  readonly applications: number;
  readonly customers: number;
}

/** One tag application in a report window (R3). */
export interface TagRecordRow {
  readonly appliedAt: Date;
  readonly customerId: string;
  readonly customerName: string;
  readonly tagName: string;
  readonly channel: Channel | null;
  readonly method: TagMethod;
  readonly memberName: string | null;
}

/** One message of a conversation as the transcript export needs it. */
export interface TranscriptMessage {
  readonly sentAt: Date;
  readonly sender: SenderType;
  /** The member who wrote it; read only for `agent` messages. */
  readonly agentName: string | null;
  readonly content: string;
}
