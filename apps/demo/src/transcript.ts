import { domainCodeOf } from "@customer-panel/client";
import { TRPCClientError } from "@trpc/client";

/** A refusal as the wire carries it: the stable domain code (X4), else the tRPC code, and the message. */
interface Refusal {
  readonly code: string;
  readonly message: string;
}

/** The refusal a tRPC call failed with, or null when the error is not a tRPC answer. */
const refusalOf = (error: unknown): Refusal | null => {
  if (!(error instanceof TRPCClientError)) return null;
  const data = error.data as { code?: string } | undefined;
  return { code: domainCodeOf(error) ?? data?.code ?? "UNKNOWN", message: error.message };
};

/** How a step ended: `ok`, or the refusal's stable code (X4). */
export type Outcome = "ok" | (string & {});

/** One step of the walkthrough: who did what, what was expected, what happened. */
export interface Step {
  /** Stable key the test finds the step by, e.g. `tags.confirmed`. */
  readonly id: string;
  /** Role and client, e.g. `admin (web)`, or `integration (api)`. */
  readonly who: string;
  readonly what: string;
  readonly expected: Outcome;
  /** `ok`, the refusal's code, or `UNEXPECTED` when a check of the answer failed. */
  readonly outcome: Outcome;
  /** The result in words, or the refusal's code and message. */
  readonly detail: string;
  /** The key values of the answer, for the test to assert. */
  readonly value: Readonly<Record<string, unknown>>;
}

/** What a successful step reports. */
export interface Report {
  readonly detail: string;
  readonly value?: Readonly<Record<string, unknown>>;
  /** Extra lines printed under the step (an event log, a list of channels). */
  readonly lines?: readonly string[];
  /** A problem with the answer (the walkthrough checks itself), or null when it is right. */
  readonly problem?: string | null;
}

/** Records steps and prints each as it ends. */
export interface Transcript {
  readonly steps: Step[];
  /** Prints a section heading. */
  readonly section: (title: string) => void;
  /**
   * Runs one step. `expected` is `ok` or the refusal code the rules demand; an answer is
   * described by `report`, a refusal by its code and message. Answers the action's value
   * (undefined when it was refused).
   */
  readonly run: <T>(
    step: {
      readonly id: string;
      readonly who: string;
      readonly what: string;
      readonly expected?: Outcome;
    },
    action: () => Promise<T>,
    report?: (value: T) => Report,
  ) => Promise<T | undefined>;
}

const MARK = { ok: "✓", refused: "✗", unexpected: "‼" } as const;

/** A transcript that prints through `out`. */
export const createTranscript = (out: (line: string) => void): Transcript => {
  const steps: Step[] = [];
  const record = (step: Step, lines: readonly string[] = []) => {
    steps.push(step);
    const asExpected = step.outcome === step.expected;
    const mark = !asExpected ? MARK.unexpected : step.outcome === "ok" ? MARK.ok : MARK.refused;
    const surprise = asExpected ? "" : `  [expected ${step.expected}, got ${step.outcome}]`;
    out(`${mark} ${step.who} · ${step.what} → ${step.detail}${surprise}`);
    for (const line of lines) out(`    ${line}`);
  };
  return {
    steps,
    section: (title) => out(`\n── ${title} ${"─".repeat(Math.max(3, 60 - title.length))}`),
    run: async (step, action, report) => {
      const expected = step.expected ?? "ok";
      let value: Awaited<ReturnType<typeof action>>;
      try {
        value = await action();
      } catch (error) {
        const refusal = refusalOf(error);
        const outcome = refusal?.code ?? "ERROR";
        const message =
          refusal?.message ?? (error instanceof Error ? error.message : String(error));
        record({ ...step, expected, outcome, detail: `${outcome}: ${message}`, value: {} });
        return undefined;
      }
      let described: Report;
      try {
        described = report?.(value) ?? { detail: "done" };
      } catch (error) {
        described = { detail: "the answer could not be read", problem: String(error) };
      }
      const problem = described.problem ?? null;
      record(
        {
          ...step,
          expected,
          outcome: problem === null ? "ok" : "UNEXPECTED",
          detail: problem === null ? described.detail : `${described.detail} — ${problem}`,
          value: described.value ?? {},
        },
        described.lines,
      );
      return value;
    },
  };
};

/** A problem message when `actual` is not `wanted`, else null (for `Report.problem`). */
export const unless = (ok: boolean, problem: string): string | null => (ok ? null : problem);
