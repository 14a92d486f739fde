import http from "node:http";
import type { AddressInfo } from "node:net";
import type { ExtraRoute } from "@customer-panel/trpc";

/** A listening HTTP server that answers only its probe routes. */
export interface ProbeServer {
  readonly url: string;
  /** Stops listening and closes its connections. */
  readonly close: () => Promise<void>;
}

/**
 * The `worker`'s own HTTP server for /healthz, /readyz and /metrics (the route of
 * health.ts); anything else is 404. It carries no API and reads no request body.
 */
export const startProbeServer = async (options: {
  readonly port: number;
  readonly host: string;
  readonly route: ExtraRoute;
  readonly onError: (error: unknown) => void;
}): Promise<ProbeServer> => {
  const server = http.createServer((req, res) => {
    options.route(req, res).then(
      (answered) => {
        if (!answered) res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      },
      (error: unknown) => {
        options.onError(error);
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
