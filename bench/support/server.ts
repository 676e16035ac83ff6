/**
 * The benchmark server: the real app from functions/app.ts (`createApp`, the same code the lab and the Lambda entries
 * run), started in its own process by bench/support/child.ts so the load generator never shares its CPU.
 * Input (environment): BENCH_AREAS (comma-separated areas), BENCH_CONFIG (JSON KeyplaneConfigInput), KEY_SEED.
 * BENCH_PLAIN=1 serves plain node:http "ok" instead (the machine's reference point); with BENCH_PLAIN_BYTES=n it
 * answers n bytes instead (a floor with a scenario's response size).
 * Output: one JSON line `{"url": "..."}` on stdout once listening. Logging is at `warn` (no per-request info line),
 * as a production deployment would set LOG_LEVEL=warn under load.
 */
import { createApp, type Area } from "../../functions/app";
import { parseKeyplaneConfig } from "../../functions/config";
import { staticContext } from "../../functions/context";
import { KeySeed } from "../../functions/keys/seed";
import { createLogger } from "../../functions/log";
import { listen } from "../../functions/runtimes/listen";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

async function main(): Promise<void> {
  if (process.env.BENCH_PLAIN === "1") {
    // The reference point: node:http with no framework answering a constant (the request body, if any, read whole).
    const body = process.env.BENCH_PLAIN_BYTES ? "x".repeat(Number(process.env.BENCH_PLAIN_BYTES)) : "ok";
    const length = String(Buffer.byteLength(body));
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => res.writeHead(200, { "Content-Type": "text/plain", "Content-Length": length }).end(body));
    });
    server.listen(0, "127.0.0.1", () =>
      process.stdout.write(
        `${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })}\n`,
      ),
    );
    process.on("SIGTERM", () => process.exit(0));
    return;
  }
  const seed = KeySeed.fromBase64(process.env.KEY_SEED ?? "");
  const areas = (process.env.BENCH_AREAS ?? "speke,delivery").split(",") as Area[];
  const config = parseKeyplaneConfig(JSON.parse(process.env.BENCH_CONFIG ?? "{}"), "BENCH_CONFIG");
  const logger = createLogger({ level: "error", sink: (line) => process.stderr.write(`${line}\n`) });
  const app = createApp(staticContext(seed, { logger }), config, { areas, deliveryDeps: { env: {} } });
  const server = await listen(app);
  process.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
