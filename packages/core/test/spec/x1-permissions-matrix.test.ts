import { Either } from "effect";
import { describe, expect, it } from "vitest";
import { ROLES } from "../../src/domain/vocabulary.js";
import {
  ACTION_LABELS,
  ACTION_RULES,
  ACTIONS,
  can,
  isAction,
  PERMISSIONS,
  permissionRows,
  requireRole,
} from "../../src/rules/permissions-matrix.js";

// Written out by hand, not derived from PERMISSIONS: any change to the matrix must change this table.
// Columns: admin, supervisor, cs_manager, cs_agent, sales_manager, sales.
const Y = true;
const N = false;
const EXPECTED = {
  "panel.view": [Y, Y, Y, Y, Y, Y],
  "profile.edit": [Y, Y, Y, Y, Y, Y],
  "preferences.setPanelHidden": [Y, Y, Y, Y, Y, Y],
  "events.view": [Y, Y, Y, Y, Y, Y],
  "tags.suggest": [Y, Y, Y, Y, Y, Y],
  "tags.apply": [Y, Y, Y, Y, Y, Y],
  "tags.remove": [Y, Y, Y, Y, Y, Y],
  "tags.frequency": [Y, Y, Y, Y, Y, Y],
  "tagReports.export": [Y, Y, Y, N, N, N],
  "conversations.setStatus": [Y, Y, Y, Y, Y, Y],
  "conversations.changeState": [Y, Y, Y, Y, Y, Y],
  "conversations.search": [Y, Y, Y, Y, Y, Y],
  "conversations.list": [Y, Y, Y, Y, Y, Y],
  "conversations.export": [Y, N, N, N, N, N],
  "conversations.delete": [Y, Y, N, N, N, N],
  "omo.unbind": [Y, Y, N, N, Y, Y],
  "members.list": [Y, Y, Y, Y, Y, Y],
} as const;
const COLUMNS = [
  "admin",
  "supervisor",
  "cs_manager",
  "cs_agent",
  "sales_manager",
  "sales",
] as const;

const rows = Object.entries(EXPECTED).flatMap(([action, answers]) =>
  COLUMNS.map((role, i) => ({ role, action, allowed: answers[i] })),
);

describe("X1 one permissions matrix decides every action, deny by default", () => {
  it("covers exactly the 17 contract actions and the 6 roles", () => {
    expect([...ACTIONS].sort()).toEqual(Object.keys(EXPECTED).sort());
    expect([...ROLES]).toEqual([...COLUMNS]);
    expect(rows).toHaveLength(6 * 17);
  });

  it.each(rows)("$role → $action: allowed=$allowed", ({ role, action, allowed }) => {
    const answer = can(role, action);
    expect(answer.allowed).toBe(allowed);
    if (!answer.allowed) {
      expect(answer.reason).toEqual({
        kind: "role",
        role,
        allowedRoles: COLUMNS.filter((_, i) => EXPECTED[action as keyof typeof EXPECTED][i]),
      });
    }
  });

  it.each(rows)(
    "requireRole($role, $action) agrees with the table",
    ({ role, action, allowed }) => {
      if (!isAction(action)) throw new Error(`not an action: ${action}`);
      const result = requireRole(role, action);
      expect(Either.isRight(result)).toBe(allowed);
      if (Either.isLeft(result)) {
        expect(result.left.code).toBe("ROLE_NOT_ALLOWED");
        expect(result.left).toMatchObject({ _tag: "RoleNotAllowed", role, action });
      }
    },
  );

  it.each([
    ["an unknown role", "owner", "panel.view"],
    ["an empty role", "", "panel.view"],
    ["a role in the wrong case", "Admin", "conversations.export"],
    ["an unknown action", "admin", "conversations.purge"],
    ["an empty action", "admin", ""],
    ["__proto__ as action", "admin", "__proto__"],
    ["constructor as action", "admin", "constructor"],
    ["toString as action", "admin", "toString"],
    ["hasOwnProperty as action", "admin", "hasOwnProperty"],
    ["__proto__ as role", "__proto__", "panel.view"],
    ["constructor as role", "constructor", "panel.view"],
    ["toString as role", "toString", "panel.view"],
  ])("denies %s", (_, role, action) => {
    const answer = can(role, action);
    expect(answer.allowed).toBe(false);
    if (!answer.allowed) expect(answer.reason.role).toBe(role);
  });

  it("names no allowed roles for an unknown action", () => {
    expect(can("admin", "constructor")).toEqual({
      allowed: false,
      reason: { kind: "role", role: "admin", allowedRoles: [] },
    });
    expect(isAction("__proto__")).toBe(false);
    expect(isAction("omo.unbind")).toBe(true);
  });

  it("renders as one row per action with every role's answer", () => {
    const rendered = permissionRows();
    expect(rendered.map((r) => r.action)).toEqual([...ACTIONS]);
    for (const r of rendered) {
      expect(COLUMNS.map((role) => r.roles[role])).toEqual(EXPECTED[r.action]);
    }
  });

  // That every cited rule is one of docs/spec.md is checked with the docs (rules-doc.test.ts).
  it("labels each action once, with its UI term, and cites its rules", () => {
    const labels = ACTIONS.map((action) => ACTION_LABELS[action]);
    expect(new Set(labels).size).toBe(ACTIONS.length);
    for (const action of ACTIONS) {
      expect(ACTION_LABELS[action]).toMatch(/^\S.* \([^()]*\p{Script=Han}[^()]*\)$/u);
      expect(ACTION_RULES[action].length).toBeGreaterThan(0);
    }
  });

  it("lists no role twice and only real roles", () => {
    for (const action of ACTIONS) {
      const allowed = PERMISSIONS[action];
      expect(new Set(allowed).size).toBe(allowed.length);
      for (const role of allowed) expect(ROLES).toContain(role);
    }
  });
});
