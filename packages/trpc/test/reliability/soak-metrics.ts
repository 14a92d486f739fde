import { errorOf } from "../harness.js";

/**
 * Figures of a load run: every call's latency per procedure, and every failure by
 * procedure and code (tRPC code, plus the domain code when there is one).
 */

/** How one tracked call ended. */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false };

/** One failure as the client saw it. */
export interface Failure {
  readonly procedure: string;
  readonly code: string;
  readonly message: string;
}

const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0
    ? Number.NaN
    : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN);

/** Latencies and failures of every call of a run, shared by all its clients. */
export class LoadMetrics {
  private readonly latencies = new Map<string, number[]>();
  readonly failures: Failure[] = [];

  /** Runs `call`, timing it under `procedure`; a failure is recorded, never thrown. */
  async track<T>(procedure: string, call: () => Promise<T>): Promise<Outcome<T>> {
    const started = performance.now();
    const promise = call();
    try {
      const value = await promise;
      this.record(procedure, started);
      return { ok: true, value };
    } catch {
      this.record(procedure, started);
      const e = await errorOf(promise);
      const code = [e.data?.code ?? "NETWORK", e.data?.domainCode].filter(Boolean).join("/");
      this.failures.push({ procedure, code, message: e.message });
      return { ok: false };
    }
  }

  /** A failure found by a check of the client (not a thrown call), e.g. a bad download. */
  fail(procedure: string, code: string, message: string): void {
    this.failures.push({ procedure, code, message });
  }

  private record(procedure: string, started: number): void {
    const list = this.latencies.get(procedure) ?? [];
    list.push(performance.now() - started);
    this.latencies.set(procedure, list);
  }

  /** Total calls made. */
  get requests(): number {
    let n = 0;
    for (const list of this.latencies.values()) n += list.length;
    return n;
  }

  /** Failures counted by `procedure code`. */
  errorsByCode(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const f of this.failures) {
      const key = `${f.procedure} ${f.code}`;
      out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  }

  /** A printable report: totals, rate, and p50/p99 per procedure. */
  report(seconds: number): string {
    const lines = [
      `requests ${this.requests} in ${seconds.toFixed(1)} s = ${(this.requests / seconds).toFixed(1)} req/s`,
      "procedure                        calls     p50 ms    p99 ms    max ms",
    ];
    for (const [procedure, list] of [...this.latencies].sort(([a], [b]) => a.localeCompare(b))) {
      const sorted = [...list].sort((a, b) => a - b);
      lines.push(
        `${procedure.padEnd(32)} ${String(list.length).padStart(6)} ${percentile(sorted, 50)
          .toFixed(1)
          .padStart(10)} ${percentile(sorted, 99).toFixed(1).padStart(9)} ${(sorted.at(-1) ?? 0)
          .toFixed(1)
          .padStart(9)}`,
      );
    }
    lines.push(`errors by code: ${JSON.stringify(this.errorsByCode())}`);
    return lines.join("\n");
  }
}
