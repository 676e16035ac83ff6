/**
 * Key delivery as Lambda runs it: the same app (`createApp`) behind our API Gateway adapter (`lambdaHandler` in
 * functions/runtimes/lambda.ts), invoked in-process with API Gateway HTTP API (v2) events. No sockets and no HTTP
 * server: this is the CPU each invocation spends in the handler (API Gateway, the Lambda runtime's own loop and the
 * network are outside it). Sequential invocations, `process.cpuUsage` over the batch, wall-clock p50/p99 per call.
 * Lambda runs one request per execution environment at a time and bills in
 * 1 ms steps, so these fractions of a millisecond set neither cost nor capacity there.
 * The lab policy stands in for the deployed one (the Lambda entry refuses the lab policy; the checks are the same).
 */
import { createApp } from "../functions/app";
import { parseKeyplaneConfig } from "../functions/config";
import { staticContext } from "../functions/context";
import type { KeySeed } from "../functions/keys/seed";
import { createLogger } from "../functions/log";
import { lambdaHandler } from "../functions/runtimes/lambda";
import type { BenchRequest } from "./support/delivery-requests";

interface LambdaResult {
  statusCode: number;
}

export type LambdaScenario = BenchRequest & { name: string };

function httpApiEvent(s: LambdaScenario) {
  return {
    version: "2.0",
    routeKey: `${s.method} ${s.path}`,
    rawPath: s.path,
    rawQueryString: "",
    headers: s.headers,
    requestContext: {
      http: { method: s.method, path: s.path, protocol: "HTTP/1.1", sourceIp: "198.51.100.7", userAgent: "bench" },
      requestId: "bench",
      stage: "$default",
      domainName: "bench.execute-api.eu-west-1.amazonaws.com",
      accountId: "123456789012",
      apiId: "bench",
    },
    ...(s.body !== undefined ? { body: s.body } : {}),
    isBase64Encoded: false,
  };
}

/** Prints one row per (scenario x cache setting): handler CPU per invocation and wall-clock p50/p99. */
export async function benchDeliveryLambda(
  seed: KeySeed,
  scenarios: LambdaScenario[],
  n = Number(process.env.BENCH_LAMBDA_REQUESTS ?? 4000),
): Promise<void> {
  console.log(
    `in-process through the Lambda adapter (runtimes/lambda-http.ts, HTTP API v2 events; target <= 40 µs per cached ClearKey invocation): ${n} sequential invocations after ${n} warm-up`,
  );
  console.log(`  ${"scenario".padEnd(62)} CPU/invocation    p50      p99`);
  for (const cacheSeconds of [0, 60]) {
    const config = parseKeyplaneConfig(
      { delivery: { lab: true, tokenLifetimeSeconds: 3600, verifiedTokenCacheSeconds: cacheSeconds } },
      "bench",
    );
    const app = createApp(staticContext(seed, { logger: createLogger({ level: "error" }) }), config, {
      areas: ["delivery"],
      deliveryDeps: { env: {} },
    });
    const handler = lambdaHandler(app) as unknown as (event: unknown, context: unknown) => Promise<LambdaResult>;
    for (const s of scenarios) {
      const event = httpApiEvent(s);
      const first = await handler(event, {});
      if (first.statusCode !== 200) throw new Error(`${s.name}: the Lambda handler answered ${first.statusCode}`);
      for (let i = 0; i < n; i++) await handler(event, {});
      const wall = new Float64Array(n);
      const c0 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const t = process.hrtime.bigint();
        await handler(event, {});
        wall[i] = Number(process.hrtime.bigint() - t) / 1000;
      }
      const c = process.cpuUsage(c0);
      const us = (c.user + c.system) / n;
      wall.sort();
      const label = `${s.name}, ${cacheSeconds === 0 ? "signature checked on every request" : "same token again (cache)"}`;
      console.log(
        `  ${label.padEnd(62)} ${us.toFixed(1).padStart(8)} µs    ${wall[Math.floor(n * 0.5)]!.toFixed(0).padStart(4)} µs  ${wall[Math.floor(n * 0.99)]!.toFixed(0).padStart(4)} µs`,
      );
    }
  }
}
