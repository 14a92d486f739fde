import { CLIENTS, type Client, PLAN_FEATURES, type PlanFeature } from "@customer-panel/core";
import type { Database } from "@customer-panel/db";
import {
  addMember,
  createTeam,
  holderStanding,
  listCredentials,
  memberKey,
  removeMember,
  setMemberRole,
  setTeamFeatures,
  setTeamTimeZone,
  type TeamFeatures,
} from "@customer-panel/db/repositories";
import { issueCredential, revokeCredential } from "@customer-panel/trpc";
import { UsageError } from "./usage-error.js";

/** Options as parsed from the command line (see main.ts). */
export interface AdminOptions {
  readonly name?: string;
  readonly "time-zone"?: string;
  readonly feature?: readonly string[];
  readonly team?: string;
  readonly member?: string;
  readonly role?: string;
  readonly client?: string;
  readonly integration?: boolean;
  readonly label?: string;
  readonly id?: string;
  readonly on?: readonly string[];
  readonly off?: readonly string[];
}

/** An operator's request the data refused, with a stable code (exit 1). */
export class CommandRefused extends Error {
  override readonly name = "CommandRefused";
  constructor(
    /** Stable code. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What a command answers: JSON for `--json`, lines for people. */
export interface CommandResult {
  readonly json: unknown;
  readonly lines: readonly string[];
}

const required = (
  options: AdminOptions,
  key: "name" | "team" | "member" | "role" | "id" | "time-zone",
) => {
  const value = options[key];
  if (value === undefined || value === "") throw new UsageError(`--${key} is required`);
  return value;
};

const featuresOf = (
  names: readonly string[] | undefined,
  value: boolean,
): Partial<TeamFeatures> => {
  const features: Partial<Record<PlanFeature, boolean>> = {};
  for (const name of names ?? []) {
    if (!(PLAN_FEATURES as readonly string[]).includes(name)) {
      throw new UsageError(
        `unknown feature "${name}"; expected one of ${PLAN_FEATURES.join(", ")}`,
      );
    }
    features[name as PlanFeature] = value;
  }
  return features;
};

const teamLine = (team: { id: string; name: string; timeZone: string; features: TeamFeatures }) => {
  const on = PLAN_FEATURES.filter((f) => team.features[f]);
  return `team ${team.id}  ${team.name}  (${team.timeZone}; features: ${on.length === 0 ? "none" : on.join(", ")})`;
};

const FOREIGN_KEY_VIOLATION = "23503";

/** Issues a credential; a team or member that does not exist is refused by name. */
const issue = async (database: Database, options: AdminOptions): Promise<CommandResult> => {
  const teamId = required(options, "team");
  const label = options.label ?? "";
  if (options.integration === true && options.member !== undefined) {
    throw new UsageError(
      "give --member (a member's token) or --integration (an API key), not both",
    );
  }
  let request: Parameters<typeof issueCredential>[1];
  if (options.integration === true) {
    request = { teamId, kind: "integration", label };
  } else {
    const memberId = required(options, "member");
    const client = options.client ?? "web";
    if (!(CLIENTS as readonly string[]).includes(client)) {
      throw new UsageError(`--client must be one of ${CLIENTS.join(", ")}`);
    }
    const standing = await holderStanding(database.db, [
      { teamId, memberId, credentialId: null },
    ]).catch(() => null);
    if (standing === null || !standing.roles.has(memberKey(teamId, memberId))) {
      throw new CommandRefused("MEMBER_NOT_FOUND", `No member ${memberId} in team ${teamId}.`);
    }
    request = { teamId, kind: "member", memberId, client: client as Client, label };
  }
  try {
    const issued = await issueCredential(database.db, request);
    const memberId = request.kind === "member" ? request.memberId : null;
    return {
      json: {
        credential: { id: issued.id, teamId, kind: request.kind, memberId, secret: issued.secret },
      },
      lines: [
        `credential ${issued.id} (${request.kind === "member" ? `member ${request.memberId}, ${request.client}` : "integration API key"})`,
        `secret: ${issued.secret}`,
        "It is shown this once and stored only as a hash: keep it now.",
      ],
    };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === FOREIGN_KEY_VIOLATION || code === "22P02") {
      throw new CommandRefused("TEAM_NOT_FOUND", `No team ${teamId}.`);
    }
    throw error;
  }
};

/** `teams …`, `members …`, `credentials …`: one function per sub-command. */
export const ADMIN_COMMANDS: Readonly<
  Record<
    string,
    Readonly<Record<string, (database: Database, options: AdminOptions) => Promise<CommandResult>>>
  >
> = {
  teams: {
    create: async (database, options) => {
      const team = await createTeam(database.db, {
        name: required(options, "name"),
        ...(options["time-zone"] !== undefined && { timeZone: options["time-zone"] }),
        features: featuresOf(options.feature, true),
      });
      return { json: { team }, lines: [teamLine(team)] };
    },
    "set-features": async (database, options) => {
      const features = { ...featuresOf(options.on, true), ...featuresOf(options.off, false) };
      if (Object.keys(features).length === 0)
        throw new UsageError("give --on FEATURE and/or --off FEATURE");
      const team = await setTeamFeatures(database.db, required(options, "team"), features);
      return { json: { team }, lines: [teamLine(team)] };
    },
    "set-zone": async (database, options) => {
      const team = await setTeamTimeZone(
        database.db,
        required(options, "team"),
        required(options, "time-zone"),
      );
      return { json: { team }, lines: [teamLine(team)] };
    },
  },
  members: {
    add: async (database, options) => {
      const member = await addMember(database.db, required(options, "team"), {
        name: required(options, "name"),
        role: required(options, "role"),
      });
      return { json: { member }, lines: [`member ${member.id}  ${member.name}  (${member.role})`] };
    },
    "set-role": async (database, options) => {
      const [teamId, memberId, role] = [
        required(options, "team"),
        required(options, "member"),
        required(options, "role"),
      ];
      await setMemberRole(database.db, teamId, memberId, role);
      return {
        json: { member: { id: memberId, teamId, role } },
        lines: [`member ${memberId} is now ${role}`],
      };
    },
    remove: async (database, options) => {
      const [teamId, memberId] = [required(options, "team"), required(options, "member")];
      await removeMember(database.db, teamId, memberId);
      return {
        json: { removed: { id: memberId, teamId } },
        lines: [
          `member ${memberId} removed, with their credentials; their conversations are unassigned`,
        ],
      };
    },
  },
  credentials: {
    issue,
    revoke: async (database, options) => {
      const id = required(options, "id");
      const revoked = /^[0-9a-f-]{36}$/i.test(id) && (await revokeCredential(database.db, id));
      if (!revoked) throw new CommandRefused("CREDENTIAL_NOT_FOUND", `No active credential ${id}.`);
      return { json: { revoked: { id } }, lines: [`credential ${id} revoked`] };
    },
    list: async (database, options) => {
      const credentials = await listCredentials(database.db, required(options, "team"));
      return {
        json: { credentials },
        lines: credentials.map(
          (c) =>
            `${c.id}  ${c.kind === "member" ? `member ${c.memberId} ${c.client}` : "integration"}  ${c.label}  ${c.revokedAt === null ? "active" : `revoked ${c.revokedAt.toISOString()}`}`,
        ),
      };
    },
  },
};
