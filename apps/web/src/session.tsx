import { createPanelClient, type PanelClient } from "@customer-panel/client";
import { createContext, useContext } from "react";
import type { LabelKey, Language } from "./labels.js";

/** A member the demo host seeded, with their bearer token (demo mode only: `/demo/members`). */
export interface DemoMember {
  readonly name: string;
  readonly role: string;
  readonly client: "web" | "app" | "api";
  readonly token: string;
}

/** Where the demo host lists its seeded members; other hosts answer 404 and the app asks for a token. */
export const DEMO_MEMBERS_PATH = "/demo/members";

/** The seeded members, or an empty list when the host is not the demo. */
export const fetchDemoMembers = async (): Promise<DemoMember[]> => {
  const response = await fetch(DEMO_MEMBERS_PATH);
  if (!response.ok) return [];
  return (await response.json()) as DemoMember[];
};

/** One typed client per token, on the page's own origin (the host serves API and app together). */
export const clientFor = (token: string): PanelClient =>
  createPanelClient({ url: window.location.origin, token });

/** What every part of the page needs: the signed-in member's client and the words. */
export interface Session {
  readonly client: PanelClient;
  readonly token: string;
  readonly t: (key: LabelKey) => string;
  readonly language: Language;
}

const SessionContext = createContext<Session | null>(null);

/** Provides the session to the page. */
export const SessionProvider = SessionContext.Provider;

/** The session; only inside {@link SessionProvider}. */
export const useSession = (): Session => {
  const session = useContext(SessionContext);
  if (session === null) throw new Error("useSession outside SessionProvider");
  return session;
};
