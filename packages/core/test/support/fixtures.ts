import {
  type Client,
  type CredentialId,
  type IntegrationActor,
  type Member,
  type MemberActor,
  ROLES,
  type Role,
  type Team,
} from "../../src/index.js";
import { makeInMemoryPorts } from "./in-memory-ports.js";
import { makeRunner } from "./run.js";

/** Display names of team A's members, one per role. */
const MEMBER_NAMES: Record<Role, string> = {
  admin: "Alice Admin",
  supervisor: "Sam Supervisor",
  cs_manager: "Carol CS Manager",
  cs_agent: "陳客服",
  sales_manager: "Steve Sales Manager",
  sales: "Sally Sales",
};

/** Team A's WhatsApp customer's wa_id (digits, no `+`). */
export const WA_ID = "886912345678";

/** A member acting from a client (web unless told otherwise). */
export const memberActor = (member: Member, client: Client = "web"): MemberActor => ({
  kind: "member",
  teamId: member.teamId,
  memberId: member.id,
  name: member.name,
  role: member.role,
  client,
});

let credentials = 0;

/** A team's server integration. */
export const integrationActor = (team: Team): IntegrationActor => {
  credentials += 1;
  return {
    kind: "integration",
    teamId: team.id,
    credentialId:
      `00000000-0000-4000-b000-${String(credentials).padStart(12, "0")}` as CredentialId,
  };
};

/** A fresh random UUID, for "an id that exists nowhere" (X2). */
export const randomId = <T extends string>(): T => crypto.randomUUID() as T;

/**
 * A small seeded world: team A (Asia/Taipei, every feature on) with one member per
 * role and customers on LINE, Facebook, WhatsApp (wa_id), WhatsApp (business-scoped
 * id only) and webchat, each with a conversation; team B with one admin and one
 * LINE customer.
 */
export const makeWorld = () => {
  const ports = makeInMemoryPorts();
  const { seed } = ports;
  const allFeatures = { pixel: true, omo: true, conversationExport: true };
  const teamA = seed.addTeam({ name: "Team A", timeZone: "Asia/Taipei", features: allFeatures });
  const teamB = seed.addTeam({ name: "Team B", timeZone: "Asia/Taipei", features: allFeatures });
  const members = Object.fromEntries(
    ROLES.map((role) => [
      role,
      seed.addMember({ teamId: teamA.id, name: MEMBER_NAMES[role], role }),
    ]),
  ) as Record<Role, Member>;
  const memberB = seed.addMember({ teamId: teamB.id, name: "Bea B-Admin", role: "admin" });
  const a = teamA.id;
  const customers = {
    line: seed.addCustomerOn({
      teamId: a,
      displayName: "林小美",
      email: "mei@example.com",
      channel: "line",
      externalId: "U4af4980629e1d5f2c3b0a5e1d2c3b4a5",
    }),
    facebook: seed.addCustomerOn({
      teamId: a,
      displayName: "Frank Chen",
      channel: "facebook",
      externalId: "6543210987654321",
    }),
    whatsapp: seed.addCustomerOn({
      teamId: a,
      displayName: "王大明",
      phone: `+${WA_ID}`,
      channel: "whatsapp",
      externalId: WA_ID,
      waId: WA_ID,
    }),
    whatsappBsuid: seed.addCustomerOn({
      teamId: a,
      displayName: "Wendy Wu",
      channel: "whatsapp",
      externalId: "TW.a1b2c3d4e5f6",
      businessScopedId: "TW.a1b2c3d4e5f6",
    }),
    webchat: seed.addCustomerOn({
      teamId: a,
      displayName: "Visitor 0001",
      channel: "webchat",
      externalId: "visitor-0001",
    }),
    lineB: seed.addCustomerOn({
      teamId: teamB.id,
      displayName: "Bob Lin",
      channel: "line",
      externalId: "U0000000000000000000000000000b001",
    }),
  };
  return {
    ...ports,
    ...makeRunner(ports.layer),
    teamA,
    teamB,
    members,
    memberB,
    customers,
    /** Team A's member of `role` acting from `client`. */
    as: (role: Role, client: Client = "web") => memberActor(members[role], client),
    /** Team B's admin. */
    asB: (client: Client = "web") => memberActor(memberB, client),
    integrationA: integrationActor(teamA),
    integrationB: integrationActor(teamB),
  };
};

/** One seeded world. */
export type World = ReturnType<typeof makeWorld>;
