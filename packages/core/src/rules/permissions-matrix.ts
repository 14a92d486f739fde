import { Either } from "effect";
import { RoleNotAllowed } from "../domain/errors.js";
import { ROLES, type Role } from "../domain/vocabulary.js";

/**
 * X1: the one permissions matrix (roles × actions), kept as data and deny by default.
 * Every other place that asks "may this role do that" asks `can()`; the docs table is
 * rendered from this file (B8).
 */

/** Every action the matrix decides; the names are part of the public contract. */
export const ACTIONS = [
  "panel.view",
  "profile.edit",
  "preferences.setPanelHidden",
  "events.view",
  "tags.suggest",
  "tags.apply",
  "tags.remove",
  "tags.frequency",
  "tagReports.export",
  "conversations.setStatus",
  "conversations.changeState",
  "conversations.search",
  "conversations.list",
  "conversations.export",
  "conversations.delete",
  "omo.unbind",
  "members.list",
] as const;
/** One action of the permissions matrix. */
export type Action = (typeof ACTIONS)[number];

/** Every role: the spec leaves these actions unrestricted (X1 [decided]). */
const EVERY_ROLE: readonly Role[] = ROLES;

/** The roles allowed each action, in ROLES order; a role not listed is denied. */
export const PERMISSIONS: { readonly [A in Action]: readonly Role[] } = {
  "panel.view": EVERY_ROLE,
  "profile.edit": EVERY_ROLE,
  "preferences.setPanelHidden": EVERY_ROLE,
  "events.view": EVERY_ROLE,
  "tags.suggest": EVERY_ROLE,
  "tags.apply": EVERY_ROLE,
  "tags.remove": EVERY_ROLE,
  "tags.frequency": EVERY_ROLE,
  "tagReports.export": ["admin", "supervisor", "cs_manager"],
  "conversations.setStatus": EVERY_ROLE,
  "conversations.changeState": EVERY_ROLE,
  "conversations.search": EVERY_ROLE,
  "conversations.list": EVERY_ROLE,
  "conversations.export": ["admin"],
  "conversations.delete": ["admin", "supervisor"],
  "omo.unbind": ["admin", "supervisor", "sales_manager", "sales"],
  "members.list": EVERY_ROLE,
};

/** What each action does, for humans (docs, UI tooltips). */
export const ACTION_LABELS: Record<Action, string> = {
  "panel.view": "View the customer profile panel (客戶資料)",
  "profile.edit": "Edit the customer's name, email, phone and note (編輯客戶資料)",
  "preferences.setPanelHidden": "Hide or show the profile panel (隱藏客戶資料)",
  "events.view": "View the conversation event log (事件狀態紀錄)",
  "tags.suggest": "Get tag suggestions while typing (標籤建議)",
  "tags.apply": "Tag the customer (貼上標籤)",
  "tags.remove": "Remove a tag from the customer (移除標籤)",
  "tags.frequency": "View the customer's tag frequency (標籤頻次)",
  "tagReports.export": "Export tag reports (貼標統計數據/逐筆紀錄)",
  "conversations.setStatus": "Block or unblock the customer (對話狀態)",
  "conversations.changeState": "Follow up, reopen, close or assign a conversation (事件狀態)",
  "conversations.search": "Search conversations (搜尋對話)",
  "conversations.list": "List the team's recent conversations (對話列表)",
  "conversations.export": "Export a conversation (導出對話)",
  "conversations.delete": "Delete a conversation permanently (刪除對話)",
  "omo.unbind": "Unbind the customer's OMO membership (OMO解除綁定)",
  "members.list": "List the team's members, for assigning (成員列表)",
};

/** The spec rule IDs each action serves (docs, rules↔tests index). */
export const ACTION_RULES: Record<Action, readonly string[]> = {
  "panel.view": ["P1", "X1"],
  "profile.edit": ["P1", "P2", "P3"],
  "preferences.setPanelHidden": ["P5"],
  "events.view": ["E1"],
  "tags.suggest": ["T2"],
  "tags.apply": ["T3", "T4"],
  "tags.remove": ["T5"],
  "tags.frequency": ["T6"],
  "tagReports.export": ["R2", "R3", "X1"],
  "conversations.setStatus": ["L5"],
  "conversations.changeState": ["E2"],
  "conversations.search": ["L9"],
  "conversations.list": ["N1"],
  "conversations.export": ["L7", "L8"],
  "conversations.delete": ["L9"],
  "omo.unbind": ["O2"],
  "members.list": ["N2"],
};

/** Why the matrix refused: the role is not among those allowed. */
export interface RoleDenial {
  /** Always `role`: the matrix knows no other reason. */
  readonly kind: "role";
  /** The role asked about, as given (it may not even be a role). */
  readonly role: string;
  /** Who may; empty for an unknown action. */
  readonly allowedRoles: readonly Role[];
}

/** The matrix's answer for one role and one action. */
export type Permission =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: RoleDenial };

// Own-property lookups only: "__proto__", "constructor" or "toString" must not reach Object.prototype.
const PERMISSIONS_BY_ACTION: ReadonlyMap<string, readonly Role[]> = new Map(
  ACTIONS.map((action) => [action, PERMISSIONS[action]]),
);

const ALLOWED: Permission = { allowed: true };

/** True when `value` names an action of the matrix. */
export const isAction = (value: string): value is Action => PERMISSIONS_BY_ACTION.has(value);

/** May `role` perform `action`? Total over any strings: unknown role or action is denied. */
export const can = (role: string, action: string): Permission => {
  const allowedRoles = PERMISSIONS_BY_ACTION.get(action) ?? [];
  return allowedRoles.some((allowed) => allowed === role)
    ? ALLOWED
    : { allowed: false, reason: { kind: "role", role, allowedRoles } };
};

/** The matrix as an effect Either: right when allowed, `RoleNotAllowed` otherwise. */
export const requireRole = (role: Role, action: Action): Either.Either<void, RoleNotAllowed> =>
  can(role, action).allowed ? Either.void : Either.left(RoleNotAllowed.of(action, role));

/** One action of the matrix as a row: its label, rules and each role's answer. */
export interface PermissionRow {
  /** The action. */
  readonly action: Action;
  /** Its human description. */
  readonly label: string;
  /** The rule IDs it serves. */
  readonly rules: readonly string[];
  /** Whether each role may perform it. */
  readonly roles: { readonly [R in Role]: boolean };
}

/** The whole matrix as rows in ACTIONS order, for rendering tables. */
export const permissionRows = (): readonly PermissionRow[] =>
  ACTIONS.map((action) => ({
    action,
    label: ACTION_LABELS[action],
    rules: ACTION_RULES[action],
    roles: {
      admin: can("admin", action).allowed,
      supervisor: can("supervisor", action).allowed,
      cs_manager: can("cs_manager", action).allowed,
      cs_agent: can("cs_agent", action).allowed,
      sales_manager: can("sales_manager", action).allowed,
      sales: can("sales", action).allowed,
    },
  }));
