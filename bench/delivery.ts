/**
 * Key-delivery throughput over loopback: W3C ClearKey licenses and HLS AES-128 keys, every request carrying a JWT that
 * is checked against the policy's token restriction (lab policy: HS256, issuer/audience, exp, KID binding).
 * The server is the real app in its own process, pinned to one CPU (bench/support/child.ts); autocannon runs here.
 * Scenarios:
 *   - verified-token cache off (`verifiedTokenCacheSeconds: 0`): the HMAC signature and every claim are checked on
 *     every request, i.e. the cost of a player's first request with a new token;
 *   - default configuration (60 s cache): a player's further requests with the same token (exp/nbf/KID binding/maxuses
 *     are still checked per request);
 *   - the app's /healthz, for the framework floor on this machine.
 * Besides requests/s, the server's own CPU time per request (from /proc) is printed: 1e6 / that = the requests/s one
 * core sustains, independent of how fast the load generator is. Target (issue 3): >= 8,000 ClearKey licenses/s.
 * Run alone with `npm run bench -- delivery` (BENCH_SECONDS, BENCH_CONNECTIONS to tune).
 */
import autocannon from "autocannon";
import { cpus, loadavg } from "node:os";
import { KeySeed } from "../functions/keys/seed";
import { createTokenIssuer } from "../functions/tokens/issue";
import { LAB_AUDIENCE, LAB_ISSUER, labTokenKey } from "../functions/tokens/lab";
import { startServerProcess, type ServerProcess } from "./support/child";

const KID = "6a2f0c1e-3b4d-4e5f-9a0b-1c2d3e4f5a6b";

interface Result {
  name: string;
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  serverCpuUsPerRequest?: number;
}

async function fire(server: ServerProcess, name: string, opts: autocannon.Options): Promise<Result> {
  const cpu0 = server.cpuMs();
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    autocannon(opts, (err, res) => (err ? reject(err) : resolve(res)));
  });
  const cpu1 = server.cpuMs();
  const done = r.requests.total;
  return {
    name,
    requests: done,
    requestsPerSecond: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    ...(cpu0 !== undefined && cpu1 !== undefined && done > 0 ? { serverCpuUsPerRequest: ((cpu1 - cpu0) * 1000) / done } : {}),
  };
}

export async function benchDelivery(): Promise<void> {
  const duration = Number(process.env.BENCH_SECONDS ?? 5);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
  const seed = KeySeed.generate();
  // Tokens exactly as the lab's /token issues them (same issuer, key and claims), minted here so minting costs the
  // server nothing.
  const issuer = await createTokenIssuer({ issuer: LAB_ISSUER, audience: LAB_AUDIENCE, signing: { alg: "HS256", keyBase64: labTokenKey(seed).toString("base64") } });
  const kid = Buffer.from(KID.replace(/-/g, ""), "hex");
  const tokens: string[] = [];
  for (let i = 0; i < 2; i++) tokens.push((await issuer.issue("Jwt", { subject: `viewer-${i}`, now: Date.now(), kids: [kid] })).token);
  const clearkey = (token: string) => ({
    method: "POST" as const, path: "/clearkey",
    body: JSON.stringify({ kids: [kid.toString("base64url")], type: "temporary" }),
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
  });
  const hlsKey = (token: string) => ({ method: "GET" as const, path: `/hls/key/${KID}`, headers: { authorization: `Bearer ${token}` } });

  // Two servers: with the verified-token cache off, every request runs the full signature + claims check (what a
  // player's first request for a token costs); with the default 60 s cache, what its next requests cost.
  const rows: Result[] = [];
  let placement = "";
  for (const cacheSeconds of [0, 60]) {
    const server = await startServerProcess({
      areas: ["delivery"],
      config: { delivery: { lab: true, tokenLifetimeSeconds: 3600, verifiedTokenCacheSeconds: cacheSeconds } },
      seedBase64: seed.exportBase64(),
    });
    placement = server.placement;
    try {
      const base = { url: server.url, duration, connections };
      await fire(server, "warmup", { ...base, duration: 2, requests: [clearkey(tokens[0]!)] });
      const label = cacheSeconds === 0 ? "signature checked every request (cache off)" : "same token again (verified-token cache)";
      if (cacheSeconds === 0) rows.push(await fire(server, "floor: GET /healthz (base app, no crypto)", { ...base, url: `${server.url}/healthz` }));
      rows.push(await fire(server, `clearkey, ${label}`, { ...base, requests: [clearkey(tokens[0]!)] }));
      rows.push(await fire(server, `hls key, ${label}`, { ...base, requests: [hlsKey(tokens[1]!)] }));
    } finally {
      await server.close();
    }
  }
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} on ${cpus().length} CPUs; ${placement}`);
  console.log(`key delivery over loopback, ${duration}s per run, ${connections} connections (autocannon), lab policy (HS256 JWT, KID-bound):`);
  console.log(`  ${"scenario".padEnd(58)} ${"req/s".padStart(7)}  ${"p50".padStart(6)}  ${"p99".padStart(6)}  server CPU/request => req/s per core`);
  for (const r of rows) {
    const cpu = r.serverCpuUsPerRequest === undefined ? "n/a" : `${r.serverCpuUsPerRequest.toFixed(1)} µs => ${Math.round(1e6 / r.serverCpuUsPerRequest)}`;
    const bad = r.non2xx + r.errors > 0 ? `   (non-2xx ${r.non2xx}, errors ${r.errors})` : "";
    console.log(`  ${r.name.padEnd(58)} ${String(r.requestsPerSecond).padStart(7)}  ${`${r.p50} ms`.padStart(6)}  ${`${r.p99} ms`.padStart(6)}  ${cpu}${bad}`);
  }
}

if (require.main === module) {
  benchDelivery().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
