import { describe, expect, it } from "vitest";
import {
  ChannelNotSupported,
  ClientNotSupported,
  ConversationBlocked,
  CredentialRevoked,
  DOMAIN_ERROR_CODES,
  type DomainError,
  FeatureNotEnabled,
  IdempotencyKeyReused,
  InvalidStateTransition,
  isDomainError,
  MemberRemoved,
  NotFound,
  PhoneLocked,
  RateLimited,
  ReportRangeInverted,
  ReportRangeTooLong,
  RoleNotAllowed,
  ServerShuttingDown,
  SubscriberTooSlow,
  ValidationFailed,
} from "../../src/domain/errors.js";

/** One instance of every domain error, with the code and tag it must carry. */
const EVERY_ERROR: readonly (readonly [string, string, DomainError])[] = [
  [
    "VALIDATION_FAILED",
    "ValidationFailed",
    ValidationFailed.field("email", "must be a valid email address"),
  ],
  ["NOT_FOUND", "NotFound", NotFound.of("omo_binding")],
  ["ROLE_NOT_ALLOWED", "RoleNotAllowed", RoleNotAllowed.of("export", "cs_agent")],
  [
    "FEATURE_NOT_ENABLED",
    "FeatureNotEnabled",
    FeatureNotEnabled.of("export", "conversationExport"),
  ],
  ["CHANNEL_NOT_SUPPORTED", "ChannelNotSupported", ChannelNotSupported.of("presence", "line")],
  ["CLIENT_NOT_SUPPORTED", "ClientNotSupported", ClientNotSupported.of("export", "app")],
  ["PHONE_LOCKED", "PhoneLocked", PhoneLocked.make()],
  ["REPORT_RANGE_TOO_LONG", "ReportRangeTooLong", ReportRangeTooLong.of(31, 30)],
  [
    "REPORT_RANGE_INVERTED",
    "ReportRangeInverted",
    ReportRangeInverted.of("2025-03-02", "2025-03-01"),
  ],
  [
    "INVALID_STATE_TRANSITION",
    "InvalidStateTransition",
    InvalidStateTransition.of("closed", "follow_up"),
  ],
  ["CONVERSATION_BLOCKED", "ConversationBlocked", ConversationBlocked.make()],
  ["IDEMPOTENCY_KEY_REUSED", "IdempotencyKeyReused", IdempotencyKeyReused.make()],
  ["RATE_LIMITED", "RateLimited", RateLimited.of(30)],
  ["CREDENTIAL_REVOKED", "CredentialRevoked", CredentialRevoked.make()],
  ["MEMBER_REMOVED", "MemberRemoved", MemberRemoved.make()],
  ["SUBSCRIBER_TOO_SLOW", "SubscriberTooSlow", SubscriberTooSlow.of("42")],
  ["SERVER_SHUTTING_DOWN", "ServerShuttingDown", ServerShuttingDown.of("42")],
];

describe("X4 every rejection carries a stable code and a human message", () => {
  it.each(EVERY_ERROR)("%s (%s) has its code, its tag and a message", (code, tag, error) => {
    expect(error.code).toBe(code);
    expect(error._tag).toBe(tag);
    expect(DOMAIN_ERROR_CODES).toContain(code);
    expect(error.message.trim().length).toBeGreaterThan(10);
    expect(error.message).not.toMatch(/undefined|null|\[object/);
    expect(error).toBeInstanceOf(Error);
    expect(isDomainError(error)).toBe(true);
  });

  it("the list of codes is closed: one per error, no duplicates", () => {
    expect(new Set(DOMAIN_ERROR_CODES).size).toBe(DOMAIN_ERROR_CODES.length);
    expect([...DOMAIN_ERROR_CODES].sort()).toEqual(EVERY_ERROR.map(([code]) => code).sort());
  });

  it.each([
    ["a plain Error", new Error("boom")],
    [
      "an Error with an unknown code",
      Object.assign(new Error("boom"), { code: "ECONNRESET", _tag: "X" }),
    ],
    ["a plain object with a known code but no tag", { code: "NOT_FOUND", message: "x" }],
    ["a plain object with a tag but no code", { _tag: "NotFound", message: "x" }],
    ["a string", "NOT_FOUND"],
    ["null", null],
    ["undefined", undefined],
  ])("isDomainError rejects %s", (_label, value) => {
    expect(isDomainError(value)).toBe(false);
  });
});

describe("X4 messages say what happened in words", () => {
  it.each([
    ["NotFound", NotFound.of("omo_binding"), "The omo binding was not found."],
    [
      "RoleNotAllowed",
      RoleNotAllowed.of("export", "cs_agent"),
      "The role cs_agent may not export.",
    ],
    [
      "ChannelNotSupported",
      ChannelNotSupported.of("presence", "line"),
      "presence is not available on line conversations.",
    ],
    [
      "ClientNotSupported",
      ClientNotSupported.of("export", "app"),
      "export is not available from the app client.",
    ],
    [
      "ReportRangeTooLong",
      ReportRangeTooLong.of(31, 30),
      "A report covers at most 30 days; the range asked for covers 31.",
    ],
    [
      "InvalidStateTransition",
      InvalidStateTransition.of("closed", "follow_up"),
      "Can not follow up a conversation that is closed.",
    ],
    ["RateLimited", RateLimited.of(30), "Too many requests; try again in 30 s."],
  ] as const)("%s says what happened", (_name, error, message) => {
    expect(error.message).toBe(message);
  });

  it("a not-found message never says whether the id exists elsewhere (X2)", () => {
    expect(NotFound.of("conversation").message).toBe("The conversation was not found.");
  });
});

describe("X4 ValidationFailed names every offending field", () => {
  it("lists each field and its problem in the message, in order", () => {
    const error = ValidationFailed.of([
      { field: "displayName", message: "must not be empty" },
      { field: "orders.0.total", message: "must be a whole number" },
    ]);
    expect(error.message).toBe(
      "Invalid input — displayName: must not be empty; orders.0.total: must be a whole number",
    );
    expect(error.issues.map((i) => i.field)).toEqual(["displayName", "orders.0.total"]);
  });

  it("a problem of the input as a whole is shown as (input)", () => {
    expect(ValidationFailed.of([{ field: "", message: "expected an object" }]).message).toBe(
      "Invalid input — (input): expected an object",
    );
  });

  it("ValidationFailed.field is the one-field shorthand", () => {
    expect(ValidationFailed.field("note", "too long")).toMatchObject({
      code: "VALIDATION_FAILED",
      issues: [{ field: "note", message: "too long" }],
      message: "Invalid input — note: too long",
    });
  });
});
