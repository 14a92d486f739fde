import { randomUUID } from "node:crypto";
import { PLAN_FEATURES, type PlanFeature, ROLES, type Role } from "@customer-panel/core";
import { eq } from "drizzle-orm";
import type { Db } from "../database.js";
import { members, teams } from "../schema.js";

/**
 * Team administration for operators (issue 17): create a team, turn its plan features on
 * or off, set its time zone, add a member. Every refusal is a {@link TeamChangeRefused}
 * with a stable code, before anything is written.
 */

/** Why a team change was refused: a stable code and the offending field. */
export class TeamChangeRefused extends Error {
  /** Stable code. */
  readonly code: "TEAM_NOT_FOUND" | "INVALID_NAME" | "INVALID_TIME_ZONE" | "INVALID_ROLE";
  /** The offending input field. */
  readonly field: "teamId" | "name" | "timeZone" | "role";
  constructor(code: TeamChangeRefused["code"], field: TeamChangeRefused["field"], message: string) {
    super(message);
    this.name = "TeamChangeRefused";
    this.code = code;
    this.field = field;
  }
}

/** A team's plan features, each on or off. */
export type TeamFeatures = Readonly<Record<PlanFeature, boolean>>;

/** A team as an operator sees it. */
export interface TeamSummary {
  readonly id: string;
  readonly name: string;
  readonly timeZone: string;
  readonly features: TeamFeatures;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const teamNotFound = (teamId: string) =>
  new TeamChangeRefused("TEAM_NOT_FOUND", "teamId", `No team ${teamId}.`);

const requireTeamId = (teamId: string): void => {
  if (!UUID.test(teamId)) throw teamNotFound(teamId);
};

const requireName = (name: string): string => {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) {
    throw new TeamChangeRefused("INVALID_NAME", "name", "A name needs 1 to 200 characters.");
  }
  return trimmed;
};

// The IANA zone database of the runtime decides: a zone it does not know can not format dates.
const requireTimeZone = (timeZone: string): string => {
  try {
    return new Intl.DateTimeFormat("en", { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new TeamChangeRefused(
      "INVALID_TIME_ZONE",
      "timeZone",
      `Unknown time zone "${timeZone}"; expected an IANA name such as Asia/Taipei.`,
    );
  }
};

const requireRole = (role: string): Role => {
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new TeamChangeRefused(
      "INVALID_ROLE",
      "role",
      `Unknown role "${role}"; expected one of ${ROLES.join(", ")}.`,
    );
  }
  return role as Role;
};

const featureColumns = (features: Partial<TeamFeatures>) => ({
  ...(features.pixel !== undefined && { featurePixel: features.pixel }),
  ...(features.omo !== undefined && { featureOmo: features.omo }),
  ...(features.conversationExport !== undefined && {
    featureConversationExport: features.conversationExport,
  }),
});

const summaryColumns = {
  id: teams.id,
  name: teams.name,
  timeZone: teams.timeZone,
  pixel: teams.featurePixel,
  omo: teams.featureOmo,
  conversationExport: teams.featureConversationExport,
};

type SummaryRow = { [K in keyof typeof summaryColumns]: K extends PlanFeature ? boolean : string };

const toSummary = (row: SummaryRow): TeamSummary => ({
  id: row.id,
  name: row.name,
  timeZone: row.timeZone,
  features: Object.fromEntries(PLAN_FEATURES.map((f) => [f, row[f]])) as TeamFeatures,
});

/** What a new team needs: a name; the zone defaults to Asia/Taipei, every feature to off. */
export interface NewTeam {
  readonly name: string;
  readonly timeZone?: string;
  readonly features?: Partial<TeamFeatures>;
}

/** Creates a team; answers it as stored. */
export const createTeam = async (db: Db, team: NewTeam): Promise<TeamSummary> => {
  const name = requireName(team.name);
  const timeZone = requireTimeZone(team.timeZone ?? "Asia/Taipei");
  const [row] = await db
    .insert(teams)
    .values({ id: randomUUID(), name, timeZone, ...featureColumns(team.features ?? {}) })
    .returning(summaryColumns);
  return toSummary(row as SummaryRow);
};

const updateTeam = async (
  db: Db,
  teamId: string,
  set: Partial<typeof teams.$inferInsert>,
): Promise<TeamSummary> => {
  requireTeamId(teamId);
  const [row] = await db
    .update(teams)
    .set(set)
    .where(eq(teams.id, teamId))
    .returning(summaryColumns);
  if (row === undefined) throw teamNotFound(teamId);
  return toSummary(row as SummaryRow);
};

/** Turns the named plan features on or off (the others stay as they are). */
export const setTeamFeatures = (
  db: Db,
  teamId: string,
  features: Partial<TeamFeatures>,
): Promise<TeamSummary> => updateTeam(db, teamId, featureColumns(features));

/** Sets the time zone reports and exports of the team are written in. */
export const setTeamTimeZone = (db: Db, teamId: string, timeZone: string): Promise<TeamSummary> =>
  updateTeam(db, teamId, { timeZone: requireTimeZone(timeZone) });

/** A member as an operator sees it. */
export interface MemberSummary {
  readonly id: string;
  readonly teamId: string;
  readonly name: string;
  readonly role: Role;
}

/** Adds a member to a team; TEAM_NOT_FOUND, INVALID_NAME or INVALID_ROLE otherwise. */
export const addMember = async (
  db: Db,
  teamId: string,
  member: { readonly name: string; readonly role: string },
): Promise<MemberSummary> => {
  const name = requireName(member.name);
  const role = requireRole(member.role);
  requireTeamId(teamId);
  const id = randomUUID();
  await db.transaction(async (tx) => {
    // The team is locked against deletion until the member is in.
    const [team] = await tx
      .select({ id: teams.id })
      .from(teams)
      .where(eq(teams.id, teamId))
      .for("key share");
    if (team === undefined) throw teamNotFound(teamId);
    await tx.insert(members).values({ id, teamId, name, role });
  });
  return { id, teamId, name, role };
};
