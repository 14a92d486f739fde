import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { ConversationList } from "./conversation-list.js";
import { type Language, labelsOf } from "./labels.js";
import { useLiveChanges } from "./live-changes.js";
import { Panel } from "./panel/panel.js";
import { clientFor, fetchDemoMembers, SessionProvider } from "./session.js";
import { TagReportPage } from "./tag-report-page.js";

const TOKEN_KEY = "customer-panel.token";
const LANGUAGE_KEY = "customer-panel.language";

/** The page: member and language switches, the conversation list, the panel or the tag report. */
export const App = () => {
  const members = useQuery({ queryKey: ["demo.members"], queryFn: fetchDemoMembers });
  const [token, setToken] = useState<string>(() => localStorage.getItem(TOKEN_KEY) ?? "");
  const [language, setLanguage] = useState<Language>(
    () => (localStorage.getItem(LANGUAGE_KEY) as Language | null) ?? "zh-TW",
  );
  const [conversationId, setConversationId] = useState<string | null>(null);
  const [page, setPage] = useState<"inbox" | "reports">("inbox");

  // The first seeded member signs in by default.
  useEffect(() => {
    const first = members.data?.[0];
    if (token === "" && first !== undefined) setToken(first.token);
  }, [members.data, token]);
  // Every query key holds the token, so each member's answers are cached apart.
  useEffect(() => {
    localStorage.setItem(TOKEN_KEY, token);
  }, [token]);
  useEffect(() => {
    localStorage.setItem(LANGUAGE_KEY, language);
    document.documentElement.lang = language === "zh-TW" ? "zh-Hant-TW" : "en";
  }, [language]);

  const session = useMemo(() => {
    const labels = labelsOf(language);
    return {
      client: clientFor(token),
      token,
      language,
      t: (key: keyof typeof labels) => labels[key],
    };
  }, [token, language]);
  const t = session.t;

  return (
    <SessionProvider value={session}>
      <LiveChanges enabled={token !== ""} />
      <header className="top">
        <h1>{t("panel")}</h1>
        <label htmlFor="member-switch">
          {t("member")}{" "}
          {members.data !== undefined && members.data.length > 0 ? (
            <select id="member-switch" value={token} onChange={(e) => setToken(e.target.value)}>
              {members.data.map((m) => (
                <option key={m.token} value={m.token}>
                  {m.name} — {m.role} ({m.client})
                </option>
              ))}
            </select>
          ) : (
            <input
              id="member-switch"
              type="password"
              value={token}
              placeholder="Bearer token"
              onChange={(e) => setToken(e.target.value)}
            />
          )}
        </label>
        <label>
          {t("language")}{" "}
          <select value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
            <option value="zh-TW">繁體中文</option>
            <option value="en">English</option>
          </select>
        </label>
        <button type="button" onClick={() => setPage(page === "inbox" ? "reports" : "inbox")}>
          {page === "inbox" ? t("tagReports") : t("backToInbox")}
        </button>
      </header>
      {token === "" ? null : page === "reports" ? (
        <main className="reports">
          <TagReportPage />
        </main>
      ) : (
        <main className="inbox">
          <ConversationList selected={conversationId} onSelect={setConversationId} />
          {conversationId === null || conversationId === "" ? null : (
            <Panel conversationId={conversationId} onGoTo={setConversationId} />
          )}
        </main>
      )}
    </SessionProvider>
  );
};

const LiveChanges = (props: { readonly enabled: boolean }) => {
  useLiveChanges(props.enabled);
  return null;
};
