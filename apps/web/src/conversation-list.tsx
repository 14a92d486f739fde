import { useInfiniteQuery } from "@tanstack/react-query";
import { useSession } from "./session.js";

/** N1: the team's conversations, newest activity first, a page at a time. */
export const ConversationList = (props: {
  readonly selected: string | null;
  readonly onSelect: (conversationId: string) => void;
}) => {
  const { client, token, t } = useSession();
  const list = useInfiniteQuery({
    queryKey: ["conversations.list", token],
    queryFn: ({ pageParam }) =>
      client.conversations.list.query({ limit: 20, cursor: pageParam ?? undefined }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = list.data?.pages.flatMap((p) => p.conversations) ?? [];
  return (
    <nav className="conversations" aria-label={t("conversations")}>
      <h2>{t("conversations")}</h2>
      <ul>
        {rows.map((c) => (
          <li key={c.conversationId}>
            <button
              type="button"
              aria-current={props.selected === c.conversationId ? "true" : undefined}
              onClick={() => props.onSelect(c.conversationId)}
            >
              <strong>{c.customerName}</strong> <span className="channel">{c.channel}</span>
              <br />
              <span className="snippet">{c.lastMessageSnippet ?? ""}</span>
            </button>
          </li>
        ))}
      </ul>
      {list.hasNextPage ? (
        <button type="button" onClick={() => void list.fetchNextPage()}>
          …
        </button>
      ) : null}
    </nav>
  );
};
