import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { describeError } from "./errors.js";
import { useSession } from "./session.js";

/** R1–R4: a range of at most 30 team days; a refusal is shown; both CSVs download. */
export const TagReportPage = () => {
  const { client, t } = useSession();
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const report = useMutation({
    mutationFn: (kind: "stats" | "records") =>
      kind === "stats"
        ? client.tagReports.stats.query({ from, to })
        : client.tagReports.records.query({ from, to }),
    onSuccess: (link) => {
      const a = document.createElement("a");
      a.href = link.url;
      a.download = link.fileName;
      document.body.append(a);
      a.click();
      a.remove();
    },
  });
  return (
    <section aria-labelledby="reports-title">
      <h2 id="reports-title">{t("tagReports")}</h2>
      <label>
        {t("from")} <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        {t("to")} <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <button type="button" onClick={() => report.mutate("stats")}>
        {t("statsCsv")}
      </button>
      <button type="button" onClick={() => report.mutate("records")}>
        {t("recordsCsv")}
      </button>
      {report.error ? <p role="alert">{describeError(report.error)}</p> : null}
    </section>
  );
};
