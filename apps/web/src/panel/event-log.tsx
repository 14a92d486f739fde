import { useQuery } from "@tanstack/react-query";
import { Gate } from "../capability.js";
import { eventLabel, stateLabel } from "../labels.js";
import { useSession } from "../session.js";
import type { PanelView } from "./panel.js";

/** E1: the conversation's log, newest first, with the member responsible. */
export const EventLog = (props: { readonly view: PanelView }) => {
  const { client, token, t, language } = useSession();
  const conversationId = props.view.conversation.id;
  const events = useQuery({
    queryKey: ["events.list", token, conversationId],
    queryFn: () => client.events.list.query({ conversationId, limit: 20 }),
    enabled: props.view.capabilities.viewEvents.available,
  });
  return (
    <section aria-labelledby="events-title">
      <h3 id="events-title">{t("events")}</h3>
      <Gate capabilities={props.view.capabilities} name="viewEvents">
        <ol className="events">
          {(events.data?.events ?? []).map((e) => (
            <li key={e.id} data-event={e.type}>
              <time dateTime={e.at.toISOString()}>{e.at.toLocaleString(language)}</time>{" "}
              {t(eventLabel(e.type))}
              {e.type === "state_changed" ? ` → ${t(stateLabel(e.to))}` : ""}
              {e.type === "assigned" ? ` → ${e.assigneeName}` : ""}
              {e.type === "exported" ? ` (${e.format.toUpperCase()})` : ""}
              {e.memberName === null ? "" : ` (${e.memberName})`}
            </li>
          ))}
        </ol>
      </Gate>
    </section>
  );
};
