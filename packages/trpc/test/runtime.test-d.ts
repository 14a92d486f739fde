import {
  type ConversationId,
  getPanel,
  type MemberActor,
  type PanelView,
} from "@customer-panel/core";
import { Tags } from "@customer-panel/core/adapter";
import { Context, Effect } from "effect";
import { describe, expectTypeOf, it } from "vitest";
import { type PanelRuntime, runUseCase } from "../src/runtime.js";

// Checked by `pnpm typecheck` (tsc over src and test), not run by vitest: every
// `@ts-expect-error` below must meet a type error, or tsc fails with "Unused
// '@ts-expect-error' directive". Each guarded line holds nothing but the call, so no
// other error can stand in for the one it expects.

/** A service the panel's runtime does not provide. */
class Unprovided extends Context.Tag("test/Unprovided")<Unprovided, { readonly n: number }>() {}

declare const runtime: PanelRuntime;
declare const actor: MemberActor;
declare const conversationId: ConversationId;

describe("runUseCase demands exactly the services the runtime provides", () => {
  it("runs a core use case and answers its value", () => {
    expectTypeOf(runUseCase(runtime, getPanel(actor, { conversationId }))).toEqualTypeOf<
      Promise<PanelView>
    >();
  });

  it("runs a program that needs no service at all", () => {
    expectTypeOf(runUseCase(runtime, Effect.succeed(1))).toEqualTypeOf<Promise<number>>();
  });

  it("does not compile a program that needs a service nobody provides", () => {
    const needsUnprovided = Effect.map(Unprovided, (service) => service.n);
    // @ts-expect-error Unprovided is not among the runtime's services
    runUseCase(runtime, needsUnprovided);
  });

  it("does not compile a program that needs a provided port and an unprovided service", () => {
    const needsBoth = Effect.zip(Tags, Unprovided);
    // @ts-expect-error Tags is provided, Unprovided is not
    runUseCase(runtime, needsBoth);
  });
});
