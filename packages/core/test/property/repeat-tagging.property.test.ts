import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { TAG_METHODS, type TagMethod } from "../../src/domain/vocabulary.js";
import {
  type ApplicationDecision,
  decideApplication,
  decideRemoval,
  type RemovalDecision,
} from "../../src/rules/repeat-tagging.js";

/** What can happen to one tag on one customer. */
type Operation =
  | { readonly type: "apply"; readonly method: TagMethod; readonly confirmed: boolean }
  | { readonly type: "remove" };

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    type: fc.constant("apply" as const),
    method: fc.constantFrom(...TAG_METHODS),
    confirmed: fc.boolean(),
  }),
  fc.record({ type: fc.constant("remove" as const) }),
);

type Decision = ApplicationDecision | RemovalDecision;

/** Folds operations through the decisions, as the use case does: applied sets the count, removed zeroes it. */
const run = (operations: readonly Operation[]) => {
  let count = 0;
  const trace: { before: number; decision: Decision; after: number }[] = [];
  for (const op of operations) {
    const before = count;
    const decision =
      op.type === "apply"
        ? decideApplication({ count }, { method: op.method, confirmed: op.confirmed })
        : decideRemoval({ count });
    if (decision.kind === "applied") count = decision.count;
    if (decision.kind === "removed") count = 0;
    trace.push({ before, decision, after: count });
  }
  return { count, trace };
};

describe("T4/T5/T8 the count of a tag on a customer, over any sequence of operations", () => {
  test.prop([fc.array(operation, { maxLength: 40 })])(
    "equals the applied decisions since the last removal, and is never negative",
    (operations) => {
      const { count, trace } = run(operations);
      const lastRemoval = trace.findLastIndex((t) => t.decision.kind === "removed");
      const appliedSince = trace
        .slice(lastRemoval + 1)
        .filter((t) => t.decision.kind === "applied").length;
      expect(count).toBe(appliedSince);
      for (const t of trace) expect(t.after).toBeGreaterThanOrEqual(0);
    },
  );

  test.prop([fc.array(operation, { maxLength: 40 })])(
    "T4 confirmation_required reports the current count and never changes it",
    (operations) => {
      for (const t of run(operations).trace) {
        if (t.decision.kind !== "confirmation_required") continue;
        expect(t.decision.count).toBe(t.before);
        expect(t.after).toBe(t.before);
        expect(t.before).toBeGreaterThan(0);
      }
    },
  );

  test.prop([fc.array(operation, { maxLength: 40 })])(
    "T8 every applied decision adds exactly one; T5 a removal reports the count it ends",
    (operations) => {
      for (const t of run(operations).trace) {
        if (t.decision.kind === "applied") {
          expect(t.after).toBe(t.before + 1);
          expect(t.decision.repeat).toBe(t.before > 0);
        }
        if (t.decision.kind === "removed") expect(t.decision.previousCount).toBe(t.before);
        if (t.decision.kind === "not_applied") expect(t.before).toBe(0);
      }
    },
  );

  test.prop([fc.integer({ min: 1, max: 1000 })])(
    "T8 N confirmed applications of a tag already on add exactly N",
    (n) => {
      const confirmed: Operation = { type: "apply", method: "manual", confirmed: true };
      const { count } = run([confirmed, ...Array.from({ length: n }, () => confirmed)]);
      expect(count).toBe(1 + n);
    },
  );
});
