import { Effect, Layer } from "effect";
import { Profiles } from "../../../src/adapter.js";
import { NotFound } from "../../../src/index.js";
import { customerIn, identitiesOf, identityByRef } from "./lookups.js";
import { type InMemoryState, replace } from "./state.js";

/** Profiles over the in-memory state: read the current customer, write what was decided (P3, P6). */
export const profilesLayer = (state: InMemoryState) =>
  Layer.succeed(Profiles, {
    lockProfile: (teamId, customerId) =>
      Effect.suspend(() => {
        const customer = customerIn(state, teamId, customerId);
        if (customer === undefined) return Effect.fail(NotFound.of("customer"));
        return Effect.succeed({ customer, identities: identitiesOf(state, customer) });
      }),
    recordEdit: (teamId, customerId, { next, changes }, audit) =>
      Effect.sync(() => {
        const customer = customerIn(state, teamId, customerId);
        if (customer === undefined) throw new Error("recordEdit without lockProfile");
        replace(state.customers, customer.id, customer, next);
        state.audit.push({ customerId, at: audit.at, author: audit.author, changes });
      }),
    lockVisitorMemberId: (teamId, visitorId) =>
      Effect.suspend(() => {
        const identity = identityByRef(state, teamId, {
          channel: "webchat",
          externalUserId: visitorId,
        });
        const customer = identity && customerIn(state, teamId, identity.customerId);
        if (customer === undefined) return Effect.fail(NotFound.of("identity"));
        return Effect.succeed({ customerId: customer.id, memberId: customer.memberId });
      }),
    recordMemberId: (teamId, customerId, memberId) =>
      Effect.sync(() => {
        const customer = customerIn(state, teamId, customerId);
        if (customer === undefined) throw new Error("recordMemberId without its lock");
        replace(state.customers, customer.id, customer, { memberId });
      }),
  });
