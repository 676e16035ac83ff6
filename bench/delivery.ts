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
 * Every figure is the median of BENCH_ROUNDS rounds (bench/support/load.ts), after a reference row for the machine.
 * Then the same requests through the Lambda adapter in-process (bench/delivery-lambda.ts): the handler's own CPU.
 * Run alone with `npm run bench -- delivery` (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS to tune).
 */
import { cpus, loadavg } from "node:os";
import { KeySeed } from "../functions/keys/seed";
import { benchDeliveryLambda } from "./delivery-lambda";
import { startServerProcess } from "./support/child";
import { deliveryRequests } from "./support/delivery-requests";
import { calibrate, formatHeader, formatRow, measureLoad, rounds, seconds, type LoadResult } from "./support/load";

export async function benchDelivery(): Promise<void> {
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
  const seed = KeySeed.generate();
  const { tokens, clearkey, hlsKey } = await deliveryRequests(seed, 2);

  const rows: LoadResult[] = [await calibrate(connections)];
  // Two servers: with the verified-token cache off, every request runs the full signature + claims check (what a
  // player's first request with a token costs); with the default 60 s cache, what its further requests cost.
  let placement = "";
  for (const cacheSeconds of [0, 60]) {
    const server = await startServerProcess({
      areas: ["delivery"],
      config: { delivery: { lab: true, tokenLifetimeSeconds: 3600, verifiedTokenCacheSeconds: cacheSeconds } },
      seedBase64: seed.exportBase64(),
    });
    placement = server.placement;
    try {
      const base = { url: server.url, connections };
      const label =
        cacheSeconds === 0
          ? "signature checked on every request (cache off)"
          : "same token again (verified-token cache)";
      if (cacheSeconds === 0)
        rows.push(
          await measureLoad(server, "floor: GET /healthz (base app, no crypto)", {
            ...base,
            url: `${server.url}/healthz`,
          }),
        );
      rows.push(await measureLoad(server, `ClearKey license, ${label}`, { ...base, requests: [clearkey(tokens[0]!)] }));
      rows.push(await measureLoad(server, `HLS key, ${label}`, { ...base, requests: [hlsKey(tokens[1]!)] }));
    } finally {
      await server.close();
    }
  }
  console.log(
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(" ")} on ${cpus().length} CPUs; ${placement}`,
  );
  console.log(
    `key delivery over loopback: ${connections} connections (autocannon), ${rounds()} x ${seconds()} s per scenario after a 1 s warm-up;`,
  );
  console.log(
    "lab policy (HS256 JWT bound to the KID); server logs at error level; target >= 8,000 ClearKey licenses/s on one core",
  );
  console.log(formatHeader(60));
  for (const r of rows) console.log(formatRow(r, 60, rows[0]));
  await benchDeliveryLambda(seed, [
    { name: "ClearKey license", ...clearkey(tokens[0]!) },
    { name: "HLS key", ...hlsKey(tokens[1]!) },
  ]);
}

if (require.main === module) {
  benchDelivery().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
