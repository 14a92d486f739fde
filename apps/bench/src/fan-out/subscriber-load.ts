import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Tally } from "./subscriber-tally.js";

/** Where a load process opens subscriptions: `count` of them on the server at `url`. */
export interface SubscriberTarget {
  readonly url: string;
  readonly count: number;
}

/** What the bench asks its load process. */
export type SubscriberCommand =
  | { readonly type: "open"; readonly targets: readonly SubscriberTarget[]; readonly token: string }
  | { readonly type: "report" };

/** What the load process answers. */
export type SubscriberReply =
  | { readonly type: "opened"; readonly count: number }
  | { readonly type: "report"; readonly tallies: Tally[]; readonly cpuSeconds: number };

/** A load process holding subscribers (subscribers.ts). */
export interface SubscriberLoad {
  readonly pid: number;
  /** Opens the subscriptions; resolves once the process has asked for all of them. */
  readonly open: (targets: readonly SubscriberTarget[], token: string) => Promise<void>;
  /** Every subscriber's tally so far, and the process's CPU time. */
  readonly report: () => Promise<{ tallies: Tally[]; cpuSeconds: number }>;
  /** Closes the IPC channel (the process unsubscribes and exits) and waits for the exit. */
  readonly stop: () => Promise<void>;
}

const ask = <T extends SubscriberReply["type"]>(
  child: ChildProcess,
  command: SubscriberCommand,
  answer: T,
): Promise<Extract<SubscriberReply, { type: T }>> =>
  new Promise((resolve, reject) => {
    const onMessage = (message: SubscriberReply) => {
      if (message.type !== answer) return;
      child.off("message", onMessage);
      child.off("exit", onExit);
      resolve(message as Extract<SubscriberReply, { type: T }>);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`the subscriber process exited with ${code}`));
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.send(command);
  });

/** Starts a subscriber load process (subscribers.ts through tsx's loader). */
export const startSubscriberLoad = async (): Promise<SubscriberLoad> => {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const script = fileURLToPath(new URL("subscribers.ts", import.meta.url));
  const child = spawn(process.execPath, ["--import", tsx, script], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  return {
    pid: child.pid ?? 0,
    open: async (targets, token) => {
      await ask(child, { type: "open", targets, token }, "opened");
    },
    report: async () => {
      const { tallies, cpuSeconds } = await ask(child, { type: "report" }, "report");
      return { tallies, cpuSeconds };
    },
    stop: async () => {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
};
