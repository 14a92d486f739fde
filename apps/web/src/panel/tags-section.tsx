import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Gate } from "../capability.js";
import { describeError } from "../errors.js";
import { useSession } from "../session.js";
import type { PanelView } from "./panel.js";

/**
 * T2–T5: type a tag → suggestions as you type → Enter or ＋ adds it; a repeat asks
 * 「要再次貼上此標籤嗎？」 with the name and count, and confirming adds one; X removes.
 * Keyboard: ↓/↑ move through the suggestions, Enter takes one, Escape closes the dialog.
 */
export const TagsSection = (props: { readonly view: PanelView }) => {
  const { client, token, t } = useSession();
  const queryClient = useQueryClient();
  const { customer, conversation, tags, capabilities } = props.view;
  const [text, setText] = useState("");
  const [active, setActive] = useState(-1);
  const [repeat, setRepeat] = useState<{ name: string; count: number } | null>(null);
  const suggestions = useQuery({
    queryKey: ["tags.suggest", token, text],
    queryFn: () => client.tags.suggest.query({ query: text }),
    enabled: text.trim() !== "" && capabilities.suggestTags.available,
  });
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["panel.get", token] });
    void queryClient.invalidateQueries({ queryKey: ["tags.frequency", token] });
  };
  const apply = useMutation({
    mutationFn: (input: { name: string; confirm: boolean }) =>
      client.tags.apply.mutate({
        customerId: customer.id,
        conversationId: conversation.id,
        ...input,
      }),
    onSuccess: (answer) => {
      if (answer.kind === "confirmation_required") {
        setRepeat({ name: answer.name, count: answer.count });
        return;
      }
      setRepeat(null);
      setText("");
      setActive(-1);
      refresh();
    },
  });
  const remove = useMutation({
    mutationFn: (tagId: string) => client.tags.remove.mutate({ customerId: customer.id, tagId }),
    onSuccess: refresh,
  });
  const options = text.trim() === "" ? [] : (suggestions.data ?? []);
  const add = (name: string) => {
    if (name.trim() !== "") apply.mutate({ name, confirm: false });
  };
  return (
    <section aria-labelledby="tags-title">
      <h3 id="tags-title">{t("addTag")}</h3>
      <ul className="tags">
        {tags.map((tag) => (
          <li key={tag.tagId}>
            {tag.name} <span>×{tag.count}</span>
            <Gate capabilities={capabilities} name="removeTag" hidden>
              <button
                type="button"
                aria-label={`${t("removeTag")} ${tag.name}`}
                onClick={() => remove.mutate(tag.tagId)}
              >
                X
              </button>
            </Gate>
          </li>
        ))}
      </ul>
      <Gate capabilities={capabilities} name="applyTag">
        <div className="tag-input">
          <input
            aria-label={t("addTag")}
            role="combobox"
            aria-expanded={options.length > 0}
            aria-controls="tag-suggestions"
            aria-autocomplete="list"
            aria-activedescendant={active >= 0 ? `tag-suggestion-${active}` : undefined}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setActive(-1);
            }}
            onKeyDown={(e) => {
              if (e.key === "ArrowDown" && options.length > 0) {
                e.preventDefault();
                setActive((active + 1) % options.length);
              } else if (e.key === "ArrowUp" && options.length > 0) {
                e.preventDefault();
                setActive(active <= 0 ? options.length - 1 : active - 1);
              } else if (e.key === "Enter") {
                e.preventDefault();
                add(options[active]?.name ?? text);
              }
            }}
          />
          <button type="button" aria-label={t("addTag")} onClick={() => add(text)}>
            ＋
          </button>
          {options.length > 0 ? (
            <div id="tag-suggestions" role="listbox" aria-label={t("addTag")}>
              {options.map((s, i) => (
                <div
                  key={s.tagId}
                  id={`tag-suggestion-${i}`}
                  role="option"
                  tabIndex={-1}
                  aria-selected={i === active}
                  onMouseDown={(e) => {
                    e.preventDefault();
                    add(s.name);
                  }}
                >
                  {s.name} ({s.uses})
                </div>
              ))}
            </div>
          ) : null}
        </div>
      </Gate>
      {apply.error ? <p role="alert">{describeError(apply.error)}</p> : null}
      {repeat === null ? null : (
        <RepeatDialog
          name={repeat.name}
          count={repeat.count}
          onConfirm={() => apply.mutate({ name: repeat.name, confirm: true })}
          onCancel={() => setRepeat(null)}
        />
      )}
    </section>
  );
};

/** T4: the confirmation a repeat needs, focused on open, Escape cancels. */
const RepeatDialog = (props: {
  readonly name: string;
  readonly count: number;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}) => {
  const { t } = useSession();
  return (
    <div
      role="dialog"
      aria-modal="true"
      aria-labelledby="repeat-title"
      className="dialog"
      onKeyDown={(e) => {
        if (e.key === "Escape") props.onCancel();
      }}
    >
      <p id="repeat-title">{t("repeatTag")}</p>
      <p>
        {props.name} ×{props.count}
      </p>
      {/* biome-ignore lint/a11y/noAutofocus: a modal dialog's confirm takes the focus */}
      <button type="button" autoFocus onClick={props.onConfirm}>
        {t("confirm")}
      </button>
      <button type="button" onClick={props.onCancel}>
        {t("cancel")}
      </button>
    </div>
  );
};
