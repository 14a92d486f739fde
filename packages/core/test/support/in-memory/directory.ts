import { Effect, Layer } from "effect";
import { Directory, Preferences } from "../../../src/adapter.js";
import { memberIn } from "./lookups.js";
import { type InMemoryState, key } from "./state.js";

/** Directory and Preferences over the in-memory state. */
export const directoryLayer = (state: InMemoryState) =>
  Layer.merge(
    Layer.succeed(Directory, {
      team: (teamId) => Effect.sync(() => state.teams.get(teamId) ?? null),
      member: (teamId, memberId) => Effect.sync(() => memberIn(state, teamId, memberId) ?? null),
    }),
    Layer.succeed(Preferences, {
      setPanelHidden: (teamId, memberId, hidden) =>
        Effect.sync(() => {
          // A member of another team can not be reached; the use case only ever passes the actor.
          if (memberIn(state, teamId, memberId) === undefined) return;
          state.preferences.set(key(teamId, memberId), { panelHidden: hidden });
        }),
    }),
  );
