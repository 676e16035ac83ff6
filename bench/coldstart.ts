/**
 * Cold start of the Lambda bundles, as Lambda runs them: the exact bundles the components deploy (`bundleFunction`),
 * each in a fresh `node` process that `require`s the bundle and answers one API Gateway event, with the key seed read
 * through functions/aws/secrets.ts from a local endpoint (a node:http server on loopback answering
 * GetSecretValue). Printed: median over N runs of `require` + first invocation (in the fresh process, from before the
 * `require` to the answer), and of the whole process (spawn to answer, node's own start included), beside a bundle
 * whose handler is one line ("hello"), the floor. Bundle sizes are printed too.
 *
 * Run: `npm run bench -- coldstart` (BENCH_COLD_RUNS, default 15).
 *
 * For an outside timer (whole processes, e.g. `hyperfine -N`): `npx tsx bench/coldstart.ts serve <dir>` writes the
 * bundles and `<dir>/run.js`, keeps the loopback Secrets Manager running, and prints the commands to time:
 * `node <dir>/run.js hello|speke|delivery` (each prints its own require / first-call times as JSON).
 * A CPU profile of one cold start: `node --cpu-prof --cpu-prof-dir=prof <dir>/run.js speke`.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { bundleFunction } from "../components/shared/bundle";
import { KeySeed } from "../functions/keys/seed";
import { labPolicies } from "../functions/delivery/lab";
import { request, TWO_KEYS } from "./speke";
import { deliveryRequests, type BenchRequest } from "./support/delivery-requests";

const SEED_TEXT = "XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46I"; // Microsoft's published PlayReady test key seed
const SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:bench-seed-AbCdEf";
const TARGET_MS = 80;

function restEvent(r: BenchRequest) {
  return {
    resource: r.path,
    path: r.path,
    httpMethod: r.method,
    headers: r.headers,
    multiValueHeaders: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, [v]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: {
      resourcePath: r.path,
      httpMethod: r.method,
      path: `/v1${r.path}`,
      stage: "v1",
      requestId: "bench",
    },
    body: r.body === undefined ? null : Buffer.from(r.body, "utf8").toString("base64"),
    isBase64Encoded: r.body !== undefined,
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
      res.end(
        JSON.stringify(
          ok
            ? { ARN: SECRET_ARN, Name: "bench-seed", SecretString: SEED_TEXT, VersionId: "v1" }
            : { __type: "UnknownOperationException" },
        ),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls: () => calls,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * `run.js <name>`: sets the function's environment (as Lambda does before loading the code), then times
 * `require(<name>.js)` and the first invocation, and prints them as one JSON line.
 */
function runScript(env: Record<string, string>, events: Record<string, unknown>): string {
  return `"use strict";
const name = process.argv[2];
const events = ${JSON.stringify(events)};
if (!(name in events)) { console.error("usage: node run.js " + Object.keys(events).join("|")); process.exit(2); }
Object.assign(process.env, ${JSON.stringify(env)});
const t0 = performance.now();
const { handler } = require(require("node:path").join(__dirname, name + ".js"));
const t1 = performance.now();
Promise.resolve(handler(events[name], { awsRequestId: "bench" })).then((r) => {
  const t2 = performance.now();
  process.stdout.write(JSON.stringify({ require: t1 - t0, first: t2 - t1, total: t2 - t0, status: r.statusCode }) + "\\n");
});
`;
}

interface ColdFunction {
  key: string;
  name: string;
  entry: string;
  sizeBytes: number;
}

/** Writes the bundles, events and `run.js` into `dir`; the caller keeps `secretsUrl` answering. */
async function prepare(dir: string, secretsUrl: string): Promise<ColdFunction[]> {
  mkdirSync(dir, { recursive: true });
  const hello = join(dir, "hello-entry.ts");
  writeFileSync(hello, 'export const handler = async () => ({ statusCode: 200, body: "hello" });\n');
  // The second floor: a function that only reads the key seed (GetSecretValue through functions/aws/secrets.ts, as
  // every keyed function does on its first call). SPEKE and delivery minus this row is what our own code costs.
  const seedOnly = join(dir, "seed-entry.ts");
  writeFileSync(
    seedOnly,
    `import { lambdaSeed } from ${JSON.stringify(resolve(__dirname, "..", "functions", "keys", "seed-source"))};\n` +
      'export const handler = async () => ({ statusCode: (await lambdaSeed()).seed ? 200 : 500, body: "seed" });\n',
  );
  const seed = KeySeed.fromBase64(SEED_TEXT);
  const reqs = await deliveryRequests(seed);
  const fns = [
    { key: "hello", name: "hello (one-line handler, the floor)", entry: hello, event: {} },
    { key: "seed", name: "seed read only (GetSecretValue, 2nd floor)", entry: seedOnly, event: {} },
    {
      key: "speke",
      name: "SPEKE (2 keys, Widevine + PlayReady + FairPlay)",
      entry: "functions/runtimes/entries/speke.ts",
      event: restEvent({
        method: "POST",
        path: "/speke",
        body: request(TWO_KEYS),
        headers: { "content-type": "application/xml", "x-speke-version": "2.0" },
      }),
    },
    {
      key: "delivery",
      name: "key delivery (ClearKey, token signature checked)",
      entry: "functions/runtimes/entries/delivery.ts",
      event: restEvent(reqs.clearkey(reqs.tokens[0]!)),
    },
  ];
  const env: Record<string, string> = {
    AWS_REGION: "eu-west-1",
    AWS_ACCESS_KEY_ID: "AKIDBENCH",
    AWS_SECRET_ACCESS_KEY: "bench-secret",
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsUrl,
    AWS_LAMBDA_FUNCTION_NAME: "bench",
    LOG_LEVEL: "warn",
    KEY_SEED_SECRET_ARN: SECRET_ARN,
    KEYPLANE_DELIVERY_POLICIES: JSON.stringify(labPolicies(seed)),
    KEYPLANE_CONFIG: JSON.stringify({ speke: { publicBaseUrl: "https://keys.example.com" } }),
  };
  const out: ColdFunction[] = [];
  for (const f of fns) {
    const bundle = bundleFunction(f.entry);
    writeFileSync(join(dir, `${f.key}.js`), bundle.code);
    out.push({ key: f.key, name: f.name, entry: f.entry, sizeBytes: bundle.sizeBytes });
  }
  writeFileSync(join(dir, "run.js"), runScript(env, Object.fromEntries(fns.map((f) => [f.key, f.event]))));
  return out;
}

function runOnce(
  dir: string,
  key: string,
): Promise<{ require: number; first: number; total: number; status: number; wall: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    // A clean environment (PATH only): run.js sets the function's own, as Lambda would.
    execFile(
      process.execPath,
      [join(dir, "run.js"), key],
      { env: { PATH: process.env.PATH ?? "" } },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${key}: ${err.message} ${stderr}`));
        resolve({ ...JSON.parse(stdout), wall: performance.now() - started });
      },
    );
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
    const fns = await prepare(dir, secrets.url);
    console.log(
      `cold start: fresh node per run, require(bundle) + first API Gateway (REST) invocation, seed from a loopback Secrets Manager; median of ${runs}, runs interleaved (target <= ${TARGET_MS} ms)`,
    );
    // Interleaved (hello, speke, delivery, hello, ...) so a burst of load from other jobs hits every row alike.
    const results = new Map<string, Awaited<ReturnType<typeof runOnce>>[]>(fns.map((f) => [f.key, []]));
    const before = secrets.calls();
    for (let i = 0; i < runs; i++) {
      for (const f of fns) {
        const r = await runOnce(dir, f.key);
        if (r.status !== 200) throw new Error(`${f.name}: the first invocation answered ${r.status}`);
        results.get(f.key)!.push(r);
      }
    }
    const seedReads = (secrets.calls() - before) / (runs * (fns.length - 1));
    const seedFloor = median(results.get("seed")!.map((r) => r.total));
    const floor = median(results.get("hello")!.map((r) => r.wall));
    console.log(
      `  ${"function".padEnd(50)} ${"bundle".padStart(9)} ${"require".padStart(8)} ${"1st call".padStart(9)} ${"req+call".padStart(9)} ${"- seed".padStart(8)} ${"process".padStart(9)} ${"- floor".padStart(8)}`,
    );
    for (const f of fns) {
      const rs = results.get(f.key)!;
      const ms = (x: number, w = 9) => `${x.toFixed(1)} ms`.padStart(w);
      const wall = median(rs.map((r) => r.wall));
      console.log(
        `  ${f.name.padEnd(50)} ${`${(f.sizeBytes / 1024).toFixed(0)} KiB`.padStart(9)} ${ms(median(rs.map((r) => r.require)), 8)} ${ms(median(rs.map((r) => r.first)))} ${ms(median(rs.map((r) => r.total)))} ${f.key === "hello" || f.key === "seed" ? "".padStart(8) : ms(median(rs.map((r) => r.total)) - seedFloor, 8)} ${ms(wall)} ${f.key === "hello" ? "".padStart(8) : ms(wall - floor, 8)}`,
      );
    }
    console.log(
      `  (${seedReads} seed read per run and function; "- seed": req+call above the seed-only function's; "process": spawn to answer, node's own start included; "- floor": process above hello's)`,
    );
  } finally {
    await secrets.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npx tsx bench/coldstart.ts serve <dir>`: prepare `dir`, keep the loopback Secrets Manager up until Ctrl-C. */
async function serve(dirArg: string | undefined): Promise<void> {
  const dir = resolve(dirArg ?? "bench-cold");
  const secrets = await secretsEndpoint();
  const fns = await prepare(dir, secrets.url);
  for (const f of fns)
    console.log(
      `${f.key.padEnd(9)} ${(f.sizeBytes / 1024).toFixed(0).padStart(5)} KiB  node ${join(dir, "run.js")} ${f.key}`,
    );
  console.log(
    `Secrets Manager on ${secrets.url}; e.g. hyperfine -N -w 3 ${fns.map((f) => `'node ${join(dir, "run.js")} ${f.key}'`).join(" ")}`,
  );
  console.log("Ctrl-C to stop.");
  const stop = () => {
    void secrets.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (require.main === module && process.argv[2] === "serve") {
  serve(process.argv[3]).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
