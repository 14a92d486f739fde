import type { RouterOutputs } from "@customer-panel/client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Gate } from "../capability.js";
import { describeError } from "../errors.js";
import { useSession } from "../session.js";
import { ConversationActions } from "./conversation-actions.js";
import { EventLog } from "./event-log.js";
import { LowerSections } from "./lower-sections.js";
import { ProfileSection } from "./profile-section.js";
import { TagFrequency } from "./tag-frequency.js";
import { TagsSection } from "./tags-section.js";

/** What `panel.get` answers. */
export type PanelView = RouterOutputs["panel"]["get"];

/** The panel beside a conversation (P1): every section, each gated by `capabilities` (X3). */
export const Panel = (props: {
  readonly conversationId: string;
  readonly onGoTo: (conversationId: string) => void;
}) => {
  const { client, token, t } = useSession();
  const queryClient = useQueryClient();
  const panel = useQuery({
    queryKey: ["panel.get", token, props.conversationId],
    queryFn: () => client.panel.get.query({ conversationId: props.conversationId }),
  });
  const hide = useMutation({
    mutationFn: (hidden: boolean) => client.preferences.setPanelHidden.mutate({ hidden }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["panel.get", token] }),
  });
  if (panel.error)
    return (
      <section className="panel" role="alert">
        {describeError(panel.error)}
      </section>
    );
  const view = panel.data;
  if (view === undefined) return <section className="panel" aria-busy="true" />;
  const caps = view.capabilities;
  return (
    <section className="panel" aria-label={t("panel")}>
      <header className="panel-head">
        <h2>{t("panel")}</h2>
        <Gate capabilities={caps} name="hidePanel" hidden>
          <button
            type="button"
            aria-pressed={view.panelHidden}
            onClick={() => hide.mutate(!view.panelHidden)}
          >
            {view.panelHidden ? `👁 ${t("showPanel")}` : `👁 ${t("hidePanel")}`}
          </button>
        </Gate>
      </header>
      {view.panelHidden ? null : (
        <div className="panel-body">
          <ProfileSection view={view} />
          <TagsSection view={view} />
          <TagFrequency view={view} />
          <EventLog view={view} />
          <LowerSections view={view} onGoTo={props.onGoTo} />
          {/* After a deletion no conversation is open: "" closes the panel. */}
          <ConversationActions view={view} onDeleted={() => props.onGoTo("")} />
        </div>
      )}
    </section>
  );
};
