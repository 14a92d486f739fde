import { Effect, Layer } from "effect";
import { Profiles } from "../../../src/adapter.js";
import { NotFound } from "../../../src/index.js";
import { customerIn, identitiesOf, identityByRef } from "./lookups.js";
import { type InMemoryState, replace } from "./state.js";

/** Profiles over the in-memory state: decide on the current customer, write, audit (P3, P6). */
export const profilesLayer = (state: InMemoryState) =>
  Layer.succeed(Profiles, {
    edit: (teamId, customerId, decide, audit) =>
      Effect.gen(function* () {
        const customer = customerIn(state, teamId, customerId);
        if (customer === undefined) return yield* Effect.fail(NotFound.of("customer"));
        const { next, changes } = yield* decide({
          customer,
          identities: identitiesOf(state, customer),
        });
        const updated = replace(state.customers, customer.id, customer, {
          displayName: next.displayName,
          email: next.email,
          phone: next.phone,
          note: next.note,
        });
        if (changes.length > 0) {
          state.audit.push({
            customerId: customer.id,
            at: audit.at,
            author: audit.author,
            changes,
          });
        }
        return { customer: updated, changes };
      }),
    fillMemberId: (teamId, visitorId, decide) =>
      Effect.suspend(() => {
        const identity = identityByRef(state, teamId, {
          channel: "webchat",
          externalUserId: visitorId,
        });
        const customer = identity && customerIn(state, teamId, identity.customerId);
        if (customer === undefined) return Effect.fail(NotFound.of("identity"));
        const memberId = decide(customer.memberId);
        if (memberId !== customer.memberId) {
          replace(state.customers, customer.id, customer, { memberId });
        }
        return Effect.succeed({ customerId: customer.id, memberId });
      }),
  });
