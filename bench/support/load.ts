/**
 * One way to put load on a benchmark server: autocannon from this process (kept off the server's CPU by child.ts),
 * a short warm-up, then BENCH_ROUNDS rounds (default 3) of BENCH_SECONDS each. Shared machines are noisy, so every
 * figure printed is the median over the rounds, and the server's own CPU time per request (from /proc) is reported
 * next to requests/s: 1e6 / that is what one core sustains whatever the load generator manages.
 */
import autocannon from "autocannon";
import { startServerProcess, type ServerProcess } from "./child";

export interface LoadResult {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** Non-2xx answers plus connection errors, summed over the rounds. */
  failures: number;
  serverCpuUsPerRequest?: number;
}

export const rounds = (): number => Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
export const seconds = (): number => Number(process.env.BENCH_SECONDS ?? 5);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function once(server: ServerProcess, opts: autocannon.Options) {
  const cpu0 = server.cpuMs();
  const r = await new Promise<autocannon.Result>((resolve, reject) =>
    autocannon(opts, (err, res) => (err ? reject(err) : resolve(res))),
  );
  const cpu1 = server.cpuMs();
  const done = r.requests.total;
  return { r, cpu: cpu0 !== undefined && cpu1 !== undefined && done > 0 ? ((cpu1 - cpu0) * 1000) / done : undefined };
}

/** Warm-up (1 s), then the median of `rounds()` runs of `seconds()` each. */
export async function measureLoad(
  server: ServerProcess,
  name: string,
  opts: Omit<autocannon.Options, "duration">,
): Promise<LoadResult> {
  await once(server, { ...opts, duration: 1 });
  const runs = [];
  for (let i = 0; i < rounds(); i++) runs.push(await once(server, { ...opts, duration: seconds() }));
  const cpus = runs.map((x) => x.cpu).filter((c): c is number => c !== undefined);
  return {
    name,
    requestsPerSecond: Math.round(median(runs.map((x) => x.r.requests.average))),
    p50: median(runs.map((x) => x.r.latency.p50)),
    p99: median(runs.map((x) => x.r.latency.p99)),
    failures: runs.reduce((n, x) => n + x.r.non2xx + x.r.errors, 0),
    ...(cpus.length ? { serverCpuUsPerRequest: median(cpus) } : {}),
  };
}

/**
 * The machine's reference point, measured the same way: node:http answering a constant "ok" (no framework, no work).
 * Lets a reader compare numbers from runs on differently loaded or differently fast machines.
 */
export async function calibrate(
  connections: number,
  same?: { responseBytes: number; request: Omit<autocannon.Request, "path"> & { path: string } },
): Promise<LoadResult> {
  const server = await startServerProcess({
    areas: [],
    seedBase64: "",
    plain: true,
    ...(same ? { plainBytes: same.responseBytes } : {}),
  });
  try {
    if (!same)
      return await measureLoad(server, "reference: plain node:http, constant 'ok'", { url: server.url, connections });
    const { path, ...request } = same.request;
    return await measureLoad(server, "floor: plain node:http, same bytes in/out", {
      url: `${server.url}${path}`,
      connections,
      ...request,
    });
  } finally {
    await server.close();
  }
}

/**
 * One table row; with `floor` (the reference row of the same run), the server CPU per request is also printed as a
 * multiple of the floor's, the figure the targets are written in.
 */
export function formatRow(r: LoadResult, width = 52, floor?: LoadResult): string {
  const cpu =
    r.serverCpuUsPerRequest === undefined
      ? "n/a"
      : `${r.serverCpuUsPerRequest.toFixed(1)} µs => ${Math.round(1e6 / r.serverCpuUsPerRequest).toLocaleString("en-US")}`;
  const f = floor?.serverCpuUsPerRequest;
  const ratio =
    f === undefined || r.serverCpuUsPerRequest === undefined
      ? ""
      : `  ${(r.serverCpuUsPerRequest / f).toFixed(2)}x floor`;
  const bad = r.failures > 0 ? `   (${r.failures} non-2xx/errors)` : "";
  return `  ${r.name.padEnd(width)} ${r.requestsPerSecond.toLocaleString("en-US").padStart(7)}  ${`${r.p50} ms`.padStart(6)}  ${`${r.p99} ms`.padStart(6)}  ${cpu}${ratio}${bad}`;
}

export function formatHeader(width = 52): string {
  return `  ${"scenario (median of rounds)".padEnd(width)} ${"req/s".padStart(7)}  ${"p50".padStart(6)}  ${"p99".padStart(6)}  server CPU/request => req/s per core`;
}
