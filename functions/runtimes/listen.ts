/** Serves an app on loopback with node:http (runtimes/node-http.ts); used by the local lab, tests and benchmarks. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Dispatcher } from "../http/router";
import { nodeRequestListener } from "./node-http";

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

export function listen(app: Dispatcher, opts: { port?: number; hostname?: string } = {}): Promise<Listening> {
  const hostname = opts.hostname ?? "127.0.0.1";
  return new Promise((resolve, reject) => {
    const server = createServer(nodeRequestListener(app));
    server.once("error", reject);
    server.listen(opts.port ?? 0, hostname, () => {
      const info = server.address() as AddressInfo;
      resolve({
        url: `http://${hostname}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((res) => {
            server.closeAllConnections();
            server.close(() => res());
          }),
      });
    });
  });
}
