import {
  FANOUT_P99_TARGET,
  type FanOutPhase,
  type FanOutResults,
  FLAT_RSS_MB_PER_MINUTE,
} from "./results.js";

const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
const mb = (n: number) => n.toFixed(0);

/** Whether a phase met the three targets, as the table says it. */
const verdict = (phase: FanOutPhase): string => {
  const missed = [
    phase.delivery.exactlyOnce ? null : "delivery",
    phase.panelGet.p99Ratio <= FANOUT_P99_TARGET ? null : "p99",
    phase.rss.every((r) => r.slopeMbPerMinute <= FLAT_RSS_MB_PER_MINUTE) ? null : "RSS",
  ].filter((m) => m !== null);
  return missed.length === 0 ? "met" : `MISSED (${missed.join(", ")})`;
};

/** The live fan-out rows (issue 19 item 2), in the bench's Markdown table style. */
export const fanOutTable = (results: FanOutResults): string[] => {
  const { scale } = results;
  return [
    `Live fan-out (PostgreSQL): the built \`customer-panel serve --no-worker\`, ${scale.subscribers} subscribers of one team through the published client (SSE) in a separate load process, ${scale.rate} changes/s for ${scale.seconds} s published as db's change feed does; \`panel.get\` probed call after call on the first server. Targets: every change once to every subscriber, loaded p99 ≤ ${FANOUT_P99_TARGET}× idle p99, server RSS slope ≤ ${FLAT_RSS_MB_PER_MINUTE} MB/min (second half of the window).`,
    "",
    "| servers | exactly once | received / expected | at load end | drain s | deliveries/s | reconnects | panel.get idle p50 / p99 ms | loaded p50 / p99 ms | p99 ratio | server RSS start / max / end MB, slope MB/min | CPU s/s servers; subscribers | load avg | target |",
    "|---:|---|---|---:|---:|---:|---:|---|---|---:|---|---|---|---|",
    ...results.phases.map((p) => {
      const d = p.delivery;
      const rss = p.rss
        .map(
          (r) =>
            `${mb(r.startMb)} / ${mb(r.maxMb)} / ${mb(r.endMb)}, ${r.slopeMbPerMinute.toFixed(1)}`,
        )
        .join("; ");
      return `| ${p.servers} | ${d.exactlyOnce ? "yes" : "NO"} (${d.subscribersComplete}/${p.subscribers} complete, ${d.notIncreasing} repeated, ${d.errors} errors) | ${d.delivered} / ${d.expected} | ${(d.shareAtLoadEnd * 100).toFixed(0)} % | ${d.drainSeconds.toFixed(1)} | ${d.perSecond.toFixed(0)} | ${d.reconnects} | ${ms(p.panelGet.idle.p50)} / ${ms(p.panelGet.idle.p99)} | ${ms(p.panelGet.loaded.p50)} / ${ms(p.panelGet.loaded.p99)} | ${p.panelGet.p99Ratio.toFixed(2)} | ${rss} | ${p.cpu.servers.map((c) => c.toFixed(2)).join(" + ")}; ${p.cpu.subscribers.toFixed(2)} | ${p.loadAverage.before.toFixed(1)} → ${p.loadAverage.after.toFixed(1)} | ${verdict(p)} |`;
    }),
  ];
};
