/**
 * Key-delivery throughput over loopback with autocannon: W3C ClearKey licenses (JWT verified on every request) and
 * HLS AES-128 key requests, both in lab mode with a token from /token. Prints requests/s and p50/p99 latency.
 * Run alone with `npx tsx bench/delivery.ts` (BENCH_SECONDS, BENCH_CONNECTIONS to tune).
 */
import autocannon from "autocannon";
import { createBaseApp } from "../functions/http/base";
import { staticContext } from "../functions/context";
import { KeySeed } from "../functions/keys/seed";
import { silentLogger } from "../functions/log";
import { listen } from "../functions/runtimes/listen";
import { deliveryRoutes } from "../functions/delivery/routes";
import { parseDeliveryConfig } from "../functions/delivery/config";

const KID = "6a2f0c1e-3b4d-4e5f-9a0b-1c2d3e4f5a6b";

interface Result {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

function fire(name: string, opts: autocannon.Options): Promise<Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, r) => {
      if (err) return reject(err);
      resolve({ name, requestsPerSecond: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors });
    });
  });
}

export async function benchDelivery(): Promise<void> {
  const duration = Number(process.env.BENCH_SECONDS ?? 5);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
  const ctx = staticContext(KeySeed.generate(), { logger: silentLogger });
  const app = createBaseApp(ctx);
  app.route("/", deliveryRoutes(ctx, parseDeliveryConfig({ lab: true, tokenLifetimeSeconds: 3600 }), { env: {} }));
  const server = await listen(app);
  try {
    const res = await fetch(`${server.url}/token`, { method: "POST", body: JSON.stringify({ subject: "bench", kids: [KID] }) });
    const { token } = (await res.json()) as { token: string };
    const kidB64 = Buffer.from(KID.replace(/-/g, ""), "hex").toString("base64url");
    const headers = { authorization: `Bearer ${token}` };
    // Warm up (policy load, key import, JIT).
    await fire("warmup", { workers: 1, url: `${server.url}/clearkey`, method: "POST", headers, body: JSON.stringify({ kids: [kidB64], type: "temporary" }), duration: 1, connections });
    // The framework floor on this machine: the same base app (request id, logger, body cap) answering a constant.
    const floorApp = createBaseApp(ctx);
    floorApp.get("/floor", (c) => c.text("ok"));
    const floor = await listen(floorApp);
    const baseline = await fire("floor (base app, constant 200, no crypto)", { url: `${floor.url}/floor`, duration, connections, workers: 1 });
    await floor.close();
    const results = [
      baseline,
      await fire("clearkey (POST /clearkey, HS256 JWT verified)", { url: `${server.url}/clearkey`, method: "POST", headers, body: JSON.stringify({ kids: [kidB64], type: "temporary" }), duration, connections, workers: 1 }),
      await fire("hls key (GET /hls/key/:kid, HS256 JWT verified)", { url: `${server.url}/hls/key/${KID}`, headers, duration, connections, workers: 1 }),
    ];
    console.log(`\nkey delivery, ${duration}s per run, ${connections} connections, one process (server and load generator share the machine)`);
    for (const r of results) {
      console.log(`  ${r.name.padEnd(52)} ${String(r.requestsPerSecond).padStart(7)} req/s   p50 ${r.p50} ms   p99 ${r.p99} ms   non-2xx ${r.non2xx}   errors ${r.errors}`);
    }
  } finally {
    await server.close();
  }
}

if (require.main === module) {
  benchDelivery().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
