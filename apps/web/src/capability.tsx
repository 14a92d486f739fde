import type { RouterOutputs } from "@customer-panel/client";
import type { ReactNode } from "react";

/** The capabilities `panel.get` answered (X3). */
export type Capabilities = RouterOutputs["panel"]["get"]["capabilities"];
/** One capability's name. */
export type CapabilityName = keyof Capabilities;

/** Every reason a capability is unavailable, joined for people; null when available. */
export const reasonOf = (capabilities: Capabilities, name: CapabilityName): string | null => {
  const answer = capabilities[name];
  return answer.available ? null : answer.reasons.map((r) => r.message).join("; ");
};

/**
 * Shows `children` when the capability is available; otherwise nothing (`hidden`) or the
 * reason in its place, so the UI decides from the server's answer, never from rules of its own.
 */
export const Gate = (props: {
  readonly capabilities: Capabilities;
  readonly name: CapabilityName;
  readonly hidden?: boolean;
  readonly children: ReactNode;
}) => {
  const reason = reasonOf(props.capabilities, props.name);
  if (reason === null) return <>{props.children}</>;
  if (props.hidden) return null;
  return (
    <p className="reason" data-capability={props.name}>
      {reason}
    </p>
  );
};
