import type { MemberId, Role, TeamId } from "@customer-panel/core";
import type { Directory, Preferences } from "@customer-panel/core/adapter";
import { and, eq, sql } from "drizzle-orm";
import type { Context } from "effect";
import type { Db } from "../database.js";
import { memberPreferences, members, teams } from "../schema.js";
import { query } from "../transaction.js";

/** Team and member look-ups, always scoped to the team. */
export const makeDirectory = (db: Db): Context.Tag.Service<typeof Directory> => ({
  team: (teamId) =>
    query(async () => {
      const [row] = await db.select().from(teams).where(eq(teams.id, teamId));
      if (!row) return null;
      return {
        id: row.id as TeamId,
        name: row.name,
        timeZone: row.timeZone,
        features: {
          pixel: row.featurePixel,
          omo: row.featureOmo,
          conversationExport: row.featureConversationExport,
        },
      };
    }),
  member: (teamId, memberId) =>
    query(async () => {
      const [row] = await db
        .select()
        .from(members)
        .where(and(eq(members.teamId, teamId), eq(members.id, memberId)));
      if (!row) return null;
      return {
        id: row.id as MemberId,
        teamId: row.teamId as TeamId,
        name: row.name,
        role: row.role as Role,
      };
    }),
});

/** P5: the panel preference, one row per member. */
export const makePreferences = (db: Db): Context.Tag.Service<typeof Preferences> => ({
  setPanelHidden: (teamId, memberId, hidden) =>
    query(async () => {
      await db
        .insert(memberPreferences)
        .values({ teamId, memberId, panelHidden: hidden })
        .onConflictDoUpdate({
          target: [memberPreferences.teamId, memberPreferences.memberId],
          set: { panelHidden: sql`excluded.panel_hidden` },
        });
    }),
});
