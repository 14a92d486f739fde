import { useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useSession } from "./session.js";

/**
 * B6, L6: one `panel.onChange` stream for the member's team; each change makes the queries
 * that show it stale, so the page updates (「用戶已離線」 included) without a reload.
 */
export const useLiveChanges = (enabled: boolean): void => {
  const { client } = useSession();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!enabled) return;
    const subscription = client.panel.onChange.subscribe(
      {},
      {
        onData: () => {
          void queryClient.invalidateQueries({
            predicate: (q) => q.queryKey[0] !== "demo.members",
          });
        },
      },
    );
    return () => subscription.unsubscribe();
  }, [client, enabled, queryClient]);
};
