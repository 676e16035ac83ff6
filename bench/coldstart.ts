/**
 * Cold start of the Lambda bundles, as Lambda runs them: the exact bundles the components deploy (`bundleFunction`),
 * each in a fresh `node` process that `require`s the bundle and answers one API Gateway event, with the key seed read
 * through the real Secrets Manager client from a local endpoint (a node:http server on loopback answering
 * GetSecretValue). Printed: median over N runs of `require` + first invocation (in the fresh process, from before the
 * `require` to the answer), and of the whole process (spawn to answer, node's own start included), beside a bundle
 * whose handler is one line ("hello"), the floor. Bundle sizes are printed too.
 * Run: `npm run bench -- coldstart` (BENCH_COLD_RUNS, default 15).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleFunction } from "../components/shared/bundle";
import { KeySeed } from "../functions/keys/seed";
import { labPolicies } from "../functions/tokens/lab";
import { request, TWO_KEYS } from "./speke";
import { deliveryRequests, type BenchRequest } from "./support/delivery-requests";

const SEED_TEXT = "XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46I"; // Microsoft's published PlayReady test key seed
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench-seed-AbCdEf";
const TARGET_MS = 80;

function restEvent(r: BenchRequest) {
  return {
    resource: r.path, path: r.path, httpMethod: r.method, headers: r.headers,
    multiValueHeaders: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null, multiValueQueryStringParameters: null, pathParameters: null, stageVariables: null,
    requestContext: { resourcePath: r.path, httpMethod: r.method, path: `/v1${r.path}`, stage: "v1", requestId: "bench" },
    body: r.body === undefined ? null : Buffer.from(r.body, "utf8").toString("base64"), isBase64Encoded: r.body !== undefined,
  };
}

/** A loopback stand-in for Secrets Manager's GetSecretValue (AWS JSON 1.1). */
async function secretsEndpoint(): Promise<{ url: string; calls: () => number; close: () => Promise<void> }> {
  let calls = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      calls++;
      const ok = req.headers["x-amz-target"] === "secretsmanager.GetSecretValue";
      res.writeHead(ok ? 200 : 400, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify(ok ? { ARN: SECRET_ARN, Name: "bench-seed", SecretString: SEED_TEXT, VersionId: "v1" } : { __type: "UnknownOperationException" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const CHILD = `
const t0 = performance.now();
const { handler } = require(process.env.BENCH_BUNDLE);
const t1 = performance.now();
Promise.resolve(handler(JSON.parse(process.env.BENCH_EVENT), { awsRequestId: "bench" })).then((r) => {
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ require: t1 - t0, first: t2 - t1, total: t2 - t0, status: r.statusCode }));
});`;

function runOnce(file: string, event: unknown, env: Record<string, string>): Promise<{ require: number; first: number; total: number; status: number; wall: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["-e", CHILD], { env: { ...env, BENCH_BUNDLE: file, BENCH_EVENT: JSON.stringify(event) } }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${file}: ${err.message} ${stderr}`));
      resolve({ ...JSON.parse(stdout), wall: performance.now() - started });
    });
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export async function benchColdStart(): Promise<void> {
  const runs = Math.max(1, Number(process.env.BENCH_COLD_RUNS ?? 15));
  const dir = mkdtempSync(join(tmpdir(), "keyplane-cold-"));
  const secrets = await secretsEndpoint();
  try {
    const hello = join(dir, "hello.ts");
    writeFileSync(hello, 'export const handler = async () => ({ statusCode: 200, body: "hello" });\n');
    const seed = KeySeed.fromBase64(SEED_TEXT);
    const reqs = await deliveryRequests(seed);
    const spekeBody = request(TWO_KEYS);
    const fns = [
      { name: "hello (one-line handler, the floor)", entry: hello, event: {} },
      { name: "SPEKE (2 keys, Widevine + PlayReady + FairPlay)", entry: "functions/runtimes/entries/speke.ts",
        event: restEvent({ method: "POST", path: "/speke", body: spekeBody, headers: { "content-type": "application/xml", "x-speke-version": "2.0" } }) },
      { name: "key delivery (ClearKey, token signature checked)", entry: "functions/runtimes/entries/delivery.ts", event: restEvent(reqs.clearkey(reqs.tokens[0]!)) },
    ];
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "", AWS_REGION: "eu-west-1", AWS_ACCESS_KEY_ID: "AKIDBENCH", AWS_SECRET_ACCESS_KEY: "bench-secret",
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.url, AWS_LAMBDA_FUNCTION_NAME: "bench", LOG_LEVEL: "warn",
      KEY_SEED_SECRET_ARN: SECRET_ARN, KEYPLANE_DELIVERY_POLICIES: JSON.stringify(labPolicies(seed)),
      KEYPLANE_CONFIG: JSON.stringify({ speke: { publicBaseUrl: "https://keys.example.com" } }),
    };
    console.log(`cold start: fresh node per run, require(bundle) + first API Gateway (REST) invocation, seed from a loopback Secrets Manager; median of ${runs} (target <= ${TARGET_MS} ms)`);
    console.log(`  ${"function".padEnd(52)} ${"bundle".padStart(9)} ${"require".padStart(8)} ${"1st call".padStart(9)} ${"req+call".padStart(9)} ${"process".padStart(8)}`);
    for (const f of fns) {
      const bundle = bundleFunction(f.entry);
      const file = join(dir, `${f.name.split(" ")[0]!.toLowerCase()}.js`);
      writeFileSync(file, bundle.code);
      const before = secrets.calls();
      const rs = [];
      for (let i = 0; i < runs; i++) {
        const r = await runOnce(file, f.event, env);
        if (r.status !== 200) throw new Error(`${f.name}: the first invocation answered ${r.status}`);
        rs.push(r);
      }
      const seedReads = secrets.calls() - before;
      const ms = (xs: number[]) => `${median(xs).toFixed(1)} ms`.padStart(9);
      console.log(`  ${f.name.padEnd(52)} ${`${(bundle.sizeBytes / 1024).toFixed(0)} KiB`.padStart(9)} ${ms(rs.map((r) => r.require)).slice(1)} ${ms(rs.map((r) => r.first))} ${ms(rs.map((r) => r.total))} ${ms(rs.map((r) => r.wall)).slice(1)}${f.entry === hello ? "" : `  (${seedReads / runs} seed read/run)`}`);
    }
  } finally {
    await secrets.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
