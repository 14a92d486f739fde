import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Gate } from "../capability.js";
import { describeError } from "../errors.js";
import { useSession } from "../session.js";
import type { PanelView } from "./panel.js";

/** T6: how often each tag was applied to this customer, optionally between two team days. */
export const TagFrequency = (props: { readonly view: PanelView }) => {
  const { client, token, t } = useSession();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [range, setRange] = useState<{ from: string; to: string } | null>(null);
  const customerId = props.view.customer.id;
  const frequency = useQuery({
    queryKey: ["tags.frequency", token, customerId, range],
    queryFn: () => client.tags.frequency.query({ customerId, ...(range ?? {}) }),
    enabled: props.view.capabilities.viewTagFrequency.available,
  });
  return (
    <section aria-labelledby="frequency-title">
      <h3 id="frequency-title">{t("tagFrequency")}</h3>
      <Gate capabilities={props.view.capabilities} name="viewTagFrequency">
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            setRange(from !== "" && to !== "" ? { from, to } : null);
          }}
        >
          <label>
            {t("from")} <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label>
            {t("to")} <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          </label>
          <button type="submit">{t("filter")}</button>
        </form>
        {frequency.error ? <p role="alert">{describeError(frequency.error)}</p> : null}
        <table aria-labelledby="frequency-title">
          <tbody>
            {(frequency.data?.tags ?? []).map((row) => (
              <tr key={row.tagId}>
                <th scope="row">{row.name}</th>
                <td>{row.applications}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Gate>
    </section>
  );
};
