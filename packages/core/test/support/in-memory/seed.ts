import {
  type Channel,
  type Conversation,
  type ConversationId,
  type ConversationState,
  type Customer,
  type CustomerId,
  DEFAULT_TIME_ZONE,
  type EmailExportJob,
  type Identity,
  type IdentityId,
  type Member,
  type MemberId,
  type Message,
  type MessageId,
  type PlanFeatures,
  type Presence,
  type Role,
  type SenderType,
  type Team,
  type TeamId,
} from "../../../src/index.js";
import { type InMemoryState, makeUuids, replace } from "./state.js";

const EPOCH = new Date("2026-01-01T00:00:00Z");

/** Helpers that write a world directly, bypassing the ports (ids from their own `a000` space). */
export const makeSeed = (state: InMemoryState) => {
  const nextId = makeUuids("a000");
  const must = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`seed: unknown ${what}`);
    return value;
  };

  const addTeam = (input: {
    readonly name: string;
    readonly timeZone?: string;
    readonly features?: Partial<PlanFeatures>;
  }): Team => {
    const team: Team = {
      id: nextId() as TeamId,
      name: input.name,
      timeZone: input.timeZone ?? DEFAULT_TIME_ZONE,
      features: { pixel: false, omo: false, conversationExport: false, ...input.features },
    };
    state.teams.set(team.id, team);
    return team;
  };

  const setFeatures = (teamId: TeamId, features: Partial<PlanFeatures>): Team => {
    const team = must(state.teams.get(teamId), "team");
    return replace(state.teams, teamId, team, { features: { ...team.features, ...features } });
  };

  const addMember = (input: {
    readonly teamId: TeamId;
    readonly name: string;
    readonly role: Role;
  }) => {
    const member: Member = { id: nextId() as MemberId, ...input };
    state.members.set(member.id, member);
    return member;
  };

  const addCustomer = (input: {
    readonly teamId: TeamId;
    readonly displayName: string;
    readonly email?: string | null;
    readonly phone?: string | null;
    readonly note?: string | null;
    readonly memberId?: string | null;
  }): Customer => {
    const customer: Customer = {
      id: nextId() as CustomerId,
      teamId: input.teamId,
      displayName: input.displayName,
      email: input.email ?? null,
      phone: input.phone ?? null,
      note: input.note ?? null,
      memberId: input.memberId ?? null,
      createdAt: EPOCH,
    };
    state.customers.set(customer.id, customer);
    return customer;
  };

  const addIdentity = (input: {
    readonly customer: Customer;
    readonly channel: Channel;
    readonly externalId: string;
    readonly waId?: string | null;
    readonly businessScopedId?: string | null;
    readonly websiteMemberId?: string | null;
    readonly boundAt?: Date | null;
  }): Identity => {
    const identity: Identity = {
      id: nextId() as IdentityId,
      teamId: input.customer.teamId,
      customerId: input.customer.id,
      channel: input.channel,
      externalId: input.externalId,
      waId: input.waId ?? null,
      businessScopedId: input.businessScopedId ?? null,
      websiteMemberId: input.websiteMemberId ?? null,
      boundAt: input.boundAt ?? null,
    };
    state.identities.set(identity.id, identity);
    return identity;
  };

  const addConversation = (input: {
    readonly identity: Identity;
    readonly state?: ConversationState;
    readonly active?: boolean;
    readonly assigneeId?: MemberId | null;
    readonly presence?: Presence;
    readonly createdAt?: Date;
  }): Conversation => {
    const conversation: Conversation = {
      id: nextId() as ConversationId,
      teamId: input.identity.teamId,
      customerId: input.identity.customerId,
      identityId: input.identity.id,
      channel: input.identity.channel,
      state: input.state ?? "pending",
      active: input.active ?? true,
      assigneeId: input.assigneeId ?? null,
      presence: input.presence ?? { online: false, since: null },
      lastExportedAt: null,
      createdAt: input.createdAt ?? EPOCH,
    };
    state.conversations.set(conversation.id, conversation);
    return conversation;
  };

  /** A customer with one identity and its conversation. */
  const addCustomerOn = (
    input: Parameters<typeof addCustomer>[0] &
      Omit<Parameters<typeof addIdentity>[0], "customer"> & {
        readonly conversation?: Omit<Parameters<typeof addConversation>[0], "identity">;
      },
  ) => {
    const customer = addCustomer(input);
    const identity = addIdentity({ ...input, customer });
    const conversation = addConversation({ ...input.conversation, identity });
    return { customer, identity, conversation };
  };

  const addMessage = (input: {
    readonly conversation: Conversation;
    readonly sender: SenderType;
    readonly content: string;
    readonly sentAt: Date;
    readonly agent?: Pick<Member, "id" | "name">;
  }): Message => {
    const message: Message = {
      id: nextId() as MessageId,
      teamId: input.conversation.teamId,
      conversationId: input.conversation.id,
      sender: input.sender,
      agentId: input.agent?.id ?? null,
      agentName: input.agent?.name ?? null,
      content: input.content,
      sentAt: input.sentAt,
    };
    state.messages.push(message);
    return message;
  };

  return {
    addTeam,
    setFeatures,
    addMember,
    addCustomer,
    addIdentity,
    addConversation,
    addCustomerOn,
    addMessage,
    /** Makes the Mailer fail with `error` (null: send again). */
    failMailer: (error: Error | null) => {
      state.control.mailerFails = error;
    },
    /** What an export worker does: claims the oldest pending email export. */
    takeOutboxJob: (): EmailExportJob | undefined => state.outbox.shift(),
    /** The conversation as stored now (throws when it is gone). */
    conversation: (id: ConversationId) => must(state.conversations.get(id), "conversation"),
    /** The customer as stored now. */
    customer: (id: CustomerId) => must(state.customers.get(id), "customer"),
  };
};

/** The seed helpers of one in-memory world. */
export type Seed = ReturnType<typeof makeSeed>;
