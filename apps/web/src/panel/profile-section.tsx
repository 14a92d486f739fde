import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Gate, reasonOf } from "../capability.js";
import { describeError, fieldErrorsOf } from "../errors.js";
import type { LabelKey } from "../labels.js";
import { useSession } from "../session.js";
import type { PanelView } from "./panel.js";

const FIELDS = ["displayName", "email", "phone", "note"] as const;
type Field = (typeof FIELDS)[number];
const LABEL: Record<Field, LabelKey> = {
  displayName: "name",
  email: "email",
  phone: "phone",
  note: "note",
};

/** P1–P4: the profile, edited with the pencil; errors shown at their field (P2, X4). */
export const ProfileSection = (props: { readonly view: PanelView }) => {
  const { client, token, t } = useSession();
  const queryClient = useQueryClient();
  const { customer, capabilities } = props.view;
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState<Record<Field, string>>({
    displayName: "",
    email: "",
    phone: "",
    note: "",
  });
  const phoneLocked = reasonOf(capabilities, "editPhone");
  const save = useMutation({
    mutationFn: () => {
      const changed = Object.fromEntries(
        FIELDS.filter((f) => draft[f] !== (customer[f] ?? "")).map((f) => [f, draft[f]]),
      );
      return client.profile.update.mutate({ customerId: customer.id, ...changed });
    },
    onSuccess: () => {
      setEditing(false);
      void queryClient.invalidateQueries({ queryKey: ["panel.get", token] });
      void queryClient.invalidateQueries({ queryKey: ["conversations.list", token] });
    },
  });
  const errors = fieldErrorsOf(save.error);
  const start = () => {
    setDraft({
      displayName: customer.displayName,
      email: customer.email ?? "",
      phone: customer.phone ?? "",
      note: customer.note ?? "",
    });
    save.reset();
    setEditing(true);
  };
  return (
    <section aria-labelledby="profile-title">
      <h3 id="profile-title">
        {t("panel")}{" "}
        <Gate capabilities={capabilities} name="editProfile">
          {editing ? null : (
            <button type="button" aria-label={`✎ ${t("edit")}`} onClick={start}>
              ✎
            </button>
          )}
        </Gate>
      </h3>
      {editing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate();
          }}
        >
          {FIELDS.map((field) => {
            const locked = field === "phone" && phoneLocked !== null;
            const id = `profile-${field}`;
            return (
              <div key={field} className="field">
                <label htmlFor={id}>{t(LABEL[field])}</label>
                {field === "note" ? (
                  <textarea
                    id={id}
                    value={draft[field]}
                    aria-invalid={errors[field] ? true : undefined}
                    aria-describedby={errors[field] ? `${id}-error` : undefined}
                    onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}
                  />
                ) : (
                  <input
                    id={id}
                    value={draft[field]}
                    readOnly={locked}
                    aria-invalid={errors[field] ? true : undefined}
                    aria-describedby={
                      errors[field] ? `${id}-error` : locked ? `${id}-locked` : undefined
                    }
                    onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}
                  />
                )}
                {locked ? (
                  <p id={`${id}-locked`} className="reason">
                    {phoneLocked}
                  </p>
                ) : null}
                {errors[field] ? (
                  <p id={`${id}-error`} className="field-error" role="alert">
                    {errors[field]}
                  </p>
                ) : null}
              </div>
            );
          })}
          {save.error && Object.keys(errors).length === 0 ? (
            <p role="alert">{describeError(save.error)}</p>
          ) : null}
          <button type="submit">{t("save")}</button>
          <button type="button" onClick={() => setEditing(false)}>
            {t("cancel")}
          </button>
        </form>
      ) : (
        <dl className="profile">
          {FIELDS.map((field) => (
            <div key={field}>
              <dt>{t(LABEL[field])}</dt>
              <dd data-field={field}>{customer[field] ?? "—"}</dd>
            </div>
          ))}
          <Gate capabilities={capabilities} name="viewMemberId" hidden>
            <div>
              <dt>{t("websiteMemberId")}</dt>
              <dd>{customer.websiteMemberId ?? "—"}</dd>
            </div>
          </Gate>
          {phoneLocked !== null ? <p className="reason">{phoneLocked}</p> : null}
        </dl>
      )}
    </section>
  );
};
