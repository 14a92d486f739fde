import { createPanelClient } from "@customer-panel/client";
import type { SubscriberCommand, SubscriberReply } from "./subscriber-load.js";
import { countId, newTally, type Tally } from "./subscriber-tally.js";

/**
 * The fan-out bench's load process (run by subscriber-load.ts, with an IPC channel): opens
 * `panel.onChange` subscriptions of one member through the published client
 * (`createPanelClient`: tRPC's httpSubscriptionLink over SSE, superjson, resuming by itself
 * with the last event id), tallies what each receives, and reports the tallies when asked.
 * It holds no server code: the server process is measured alone.
 */

const tallies: Tally[] = [];
const subscriptions: { unsubscribe: () => void }[] = [];

const reply = (message: SubscriberReply) => process.send?.(message);

const open = (targets: readonly { url: string; count: number }[], token: string) => {
  for (const { url, count } of targets) {
    const client = createPanelClient({ url, token });
    for (let i = 0; i < count; i++) {
      const tally = newTally();
      tallies.push(tally);
      let connected = false;
      subscriptions.push(
        client.panel.onChange.subscribe(
          {},
          {
            onData: ({ id }) => countId(tally, Number(id)),
            onError: () => {
              tally.errors += 1;
            },
            onConnectionStateChange: (state) => {
              if (state.state === "pending") connected = true;
              else if (state.state === "connecting" && connected) tally.reconnects += 1;
            },
          },
        ),
      );
    }
  }
};

process.on("message", (command: SubscriberCommand) => {
  if (command.type === "open") {
    open(command.targets, command.token);
    reply({ type: "opened", count: tallies.length });
  } else {
    const cpu = process.cpuUsage();
    reply({ type: "report", tallies, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  }
});
process.on("disconnect", () => {
  for (const subscription of subscriptions) subscription.unsubscribe();
  process.exit(0);
});
