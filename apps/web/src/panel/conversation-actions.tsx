import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Gate } from "../capability.js";
import { describeError } from "../errors.js";
import { stateLabel } from "../labels.js";
import { useSession } from "../session.js";
import type { PanelView } from "./panel.js";

/** Starts a browser download of a stored link (R4, L7). */
const download = (url: string, fileName: string) => {
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
};

/** E2 state and assignment, L7 export (CSV or email, last export time), L9 delete. */
export const ConversationActions = (props: {
  readonly view: PanelView;
  readonly onDeleted: () => void;
}) => {
  const { client, token, t, language } = useSession();
  const queryClient = useQueryClient();
  const { conversation, capabilities } = props.view;
  const conversationId = conversation.id;
  const [to, setTo] = useState("");
  const [confirmDelete, setConfirmDelete] = useState(false);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["panel.get", token] });
    void queryClient.invalidateQueries({ queryKey: ["events.list", token] });
    void queryClient.invalidateQueries({ queryKey: ["conversations.list", token] });
  };
  const members = useQuery({
    queryKey: ["members.list", token],
    queryFn: () => client.members.list.query({}),
    enabled: capabilities.changeState.available,
  });
  const change = useMutation({
    mutationFn: (
      command:
        | { command: "follow_up" | "reopen" | "close" }
        | { command: "assign"; assigneeId: string },
    ) => client.conversations.changeState.mutate({ conversationId, ...command }),
    onSuccess: refresh,
  });
  const exportCsv = useMutation({
    mutationFn: () => client.conversations.export.mutate({ conversationId, format: "csv" }),
    onSuccess: (answer) => {
      if (answer.format === "csv") download(answer.url, answer.fileName);
    },
  });
  const exportEmail = useMutation({
    mutationFn: () => client.conversations.export.mutate({ conversationId, format: "email", to }),
  });
  const remove = useMutation({
    mutationFn: () => client.conversations.delete.mutate({ conversationId }),
    onSuccess: () => {
      refresh();
      props.onDeleted();
    },
  });
  const error = change.error ?? exportCsv.error ?? exportEmail.error ?? remove.error;
  return (
    <>
      <section aria-labelledby="state-title">
        <h3 id="state-title">
          {t("state")}:{" "}
          <span data-testid="state" data-state={conversation.state}>
            {t(stateLabel(conversation.state))}
          </span>
        </h3>
        <Gate capabilities={capabilities} name="changeState">
          <button type="button" onClick={() => change.mutate({ command: "follow_up" })}>
            {t("command_follow_up")}
          </button>
          <button type="button" onClick={() => change.mutate({ command: "close" })}>
            {t("command_close")}
          </button>
          <button type="button" onClick={() => change.mutate({ command: "reopen" })}>
            {t("command_reopen")}
          </button>
          <label>
            {t("assign")}{" "}
            <select
              value={conversation.assignee?.id ?? ""}
              onChange={(e) => change.mutate({ command: "assign", assigneeId: e.target.value })}
            >
              <option value="" disabled>
                {t("none")}
              </option>
              {(members.data ?? []).map((m) => (
                <option key={m.memberId} value={m.memberId}>
                  {m.name} ({m.role})
                </option>
              ))}
            </select>
          </label>
        </Gate>
      </section>
      <Gate capabilities={capabilities} name="exportConversation" hidden>
        <section aria-labelledby="export-title">
          <h3 id="export-title">{t("exportConversation")}</h3>
          <p>
            {t("lastExportedAt")}:{" "}
            <span data-testid="last-exported">
              {conversation.lastExportedAt?.toLocaleString(language) ?? "—"}
            </span>
          </p>
          <button type="button" onClick={() => exportCsv.mutate()}>
            {t("exportCsv")}
          </button>
          <form
            className="inline"
            onSubmit={(e) => {
              e.preventDefault();
              exportEmail.mutate();
            }}
          >
            <label>
              {t("email")} <input type="email" value={to} onChange={(e) => setTo(e.target.value)} />
            </label>
            <button type="submit">{t("exportEmail")}</button>
            {exportEmail.isSuccess ? <span role="status">{t("queued")}</span> : null}
          </form>
        </section>
      </Gate>
      <Gate capabilities={capabilities} name="deleteConversation" hidden>
        <section aria-labelledby="delete-title">
          <h3 id="delete-title">{t("deleteConversation")}</h3>
          {confirmDelete ? (
            <div role="alertdialog" aria-labelledby="delete-confirm" className="dialog">
              <p id="delete-confirm">{t("deleteConfirm")}</p>
              <button type="button" onClick={() => remove.mutate()}>
                {t("confirm")}
              </button>
              <button type="button" onClick={() => setConfirmDelete(false)}>
                {t("cancel")}
              </button>
            </div>
          ) : (
            <button type="button" onClick={() => setConfirmDelete(true)}>
              {t("deleteConversation")}
            </button>
          )}
        </section>
      </Gate>
      {error ? <p role="alert">{describeError(error)}</p> : null}
    </>
  );
};
