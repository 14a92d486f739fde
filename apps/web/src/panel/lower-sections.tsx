import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Gate } from "../capability.js";
import { describeError } from "../errors.js";
import { useSession } from "../session.js";
import type { PanelView } from "./panel.js";

/** L1–L6, O1–O2: bound channels, orders, status, last page and the OMO binding. */
export const LowerSections = (props: {
  readonly view: PanelView;
  readonly onGoTo: (conversationId: string) => void;
}) => {
  const { client, token, t, language } = useSession();
  const queryClient = useQueryClient();
  const { view } = props;
  const caps = view.capabilities;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["panel.get", token] });
  const status = useMutation({
    mutationFn: (active: boolean) =>
      client.conversations.setStatus.mutate({ conversationId: view.conversation.id, active }),
    onSuccess: () => {
      void refresh();
      void queryClient.invalidateQueries({ queryKey: ["events.list", token] });
    },
  });
  const unbind = useMutation({
    mutationFn: () => client.omo.unbind.mutate({ conversationId: view.conversation.id }),
    onSuccess: refresh,
  });
  const when = (date: Date) => date.toLocaleString(language);
  return (
    <>
      <section aria-labelledby="bound-title">
        <h3 id="bound-title">{t("boundChannels")}</h3>
        <Gate capabilities={caps} name="viewBoundChannels">
          <ul>
            {view.boundChannels.map((b) => (
              <li key={b.conversationId}>
                {b.channel}{" "}
                <button type="button" onClick={() => props.onGoTo(b.conversationId)}>
                  {t("goToConversation")} ({b.channel})
                </button>
              </li>
            ))}
          </ul>
        </Gate>
      </section>
      <section aria-labelledby="orders-title">
        <h3 id="orders-title">{t("orders")}</h3>
        <Gate capabilities={caps} name="viewOrders">
          {view.commerce === null ? null : (
            <>
              {view.commerce.cart === null ? null : (
                <p>
                  {t("cart")}:{" "}
                  {view.commerce.cart.items.map((i) => `${i.name} ×${i.quantity}`).join(", ")}
                </p>
              )}
              <ul>
                {view.commerce.orders.map((o) => (
                  <li key={o.orderId}>
                    {o.orderId} — {o.currency} {o.total} — {when(o.placedAt)}
                  </li>
                ))}
              </ul>
            </>
          )}
        </Gate>
      </section>
      <section aria-labelledby="status-title">
        <h3 id="status-title">{t("status")}</h3>
        <Gate capabilities={caps} name="setStatus">
          <label>
            <input
              type="checkbox"
              role="switch"
              aria-checked={view.conversation.active}
              checked={view.conversation.active}
              onChange={(e) => status.mutate(e.target.checked)}
            />{" "}
            {t("statusActive")}
          </label>
          {status.error ? <p role="alert">{describeError(status.error)}</p> : null}
        </Gate>
      </section>
      <Gate capabilities={caps} name="viewLastPage" hidden>
        <section aria-labelledby="last-page-title">
          <h3 id="last-page-title">{t("lastPage")}</h3>
          <p data-testid="last-page">
            {view.lastPage === null || view.lastPage.status === "offline" ? (
              t("offline")
            ) : (
              <a href={view.lastPage.pageUrl} target="_blank" rel="noreferrer">
                {view.lastPage.pageTitle ?? view.lastPage.pageUrl}
              </a>
            )}
          </p>
        </section>
      </Gate>
      <Gate capabilities={caps} name="viewOmo" hidden>
        <section aria-labelledby="omo-title">
          <h3 id="omo-title">{t("omo")}</h3>
          <p>{view.omo?.binding?.omoMemberId ?? t("none")}</p>
          <Gate capabilities={caps} name="unbindOmo">
            <button type="button" onClick={() => unbind.mutate()}>
              {t("unbind")}
            </button>
          </Gate>
          {unbind.error ? <p role="alert">{describeError(unbind.error)}</p> : null}
        </section>
      </Gate>
    </>
  );
};
