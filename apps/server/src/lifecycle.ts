import type { Logger } from "pino";

/** Resolves when `work` settles or after `ms`, whichever is first; true when it settled. */
export const settleWithin = async (work: Promise<unknown>, ms: number): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * What a log line may say of an error: its name, code and the first line of its message,
 * cut short — never a stack with parameters nor a driver's `detail` (it can hold row values).
 */
export const errorSummary = (error: unknown): Record<string, unknown> => {
  if (!(error instanceof Error)) return { message: String(error).slice(0, 200) };
  const code = (error as { code?: unknown }).code;
  return {
    name: error.name,
    ...(typeof code === "string" && { code }),
    message: (error.message.split("\n")[0] ?? "").slice(0, 200),
  };
};

/**
 * Runs `shutdown` once on the first SIGTERM or SIGINT, then exits 0 (1 if shutting down
 * failed). A second signal while it runs is logged and ignored: the deadline bounds it.
 */
export const exitOnSignals = (logger: Logger, shutdown: (signal: string) => Promise<void>) => {
  let started = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) {
      logger.warn({ signal }, "already shutting down");
      return;
    }
    started = true;
    shutdown(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: errorSummary(error) }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
};
