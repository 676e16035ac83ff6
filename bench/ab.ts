/**
 * `npm run bench:ab -- <git ref> [scenario]`: is the working tree cheaper per request than <ref>?
 *
 * On a shared VM the same build can measure 2x apart from one minute to the next, so two builds measured one after
 * the other cannot be compared to better than about 20%. Here both servers run at the same time, pinned to the same
 * CPU, each under its own autocannon (16 connections), so whatever the machine does hits both alike; each round
 * prints both servers' CPU per request (from /proc) and their ratio. Two copies of one build agree within about 2%.
 *
 * <ref> is checked out as a git worktree under .keyplane/ab/ (sharing this checkout's node_modules) and bundled with
 * esbuild like the Lambda bundles; the worktree is removed afterwards. Scenarios: clearkey (same token again, the
 * default cache), clearkey-verify (signature checked on every request), hls, healthz, speke (SPEKE v2, 2 keys, WV+PR+FP).
 * BENCH_ROUNDS (default 4) rounds of BENCH_SECONDS (default 5) after a 1 s warm-up.
 */
import autocannon from "autocannon";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../components/shared/bundle";
import { KeySeed } from "../functions/keys/seed";
import { request as spekeRequest, TWO_KEYS } from "./speke";
import { startServerProcess, type ServerProcess } from "./support/child";
import { deliveryRequests } from "./support/delivery-requests";

const SCENARIOS = ["clearkey", "clearkey-verify", "hls", "healthz", "speke"] as const;
type Scenario = (typeof SCENARIOS)[number];

async function requestFor(
  scenario: Scenario,
  seed: KeySeed,
): Promise<{ areas: string[]; config: unknown; req: autocannon.Request & { path: string } }> {
  if (scenario === "speke") {
    return {
      areas: ["speke"],
      config: {},
      req: {
        method: "POST",
        path: "/speke",
        body: spekeRequest(TWO_KEYS),
        headers: { "content-type": "application/xml", "x-speke-version": "2.0" },
      },
    };
  }
  const { tokens, clearkey, hlsKey } = await deliveryRequests(seed);
  const config = {
    delivery: {
      lab: true,
      tokenLifetimeSeconds: 3600,
      verifiedTokenCacheSeconds: scenario === "clearkey-verify" ? 0 : 60,
    },
  };
  const req =
    scenario === "hls"
      ? hlsKey(tokens[0]!)
      : scenario === "healthz"
        ? { method: "GET" as const, path: "/healthz" }
        : clearkey(tokens[0]!);
  return { areas: ["delivery"], config, req };
}

function checkout(ref: string): { dir: string; sha: string; remove: () => void } {
  const git = (...args: string[]) => execFileSync("git", args, { cwd: REPO_ROOT, encoding: "utf8" }).trim();
  const sha = git("rev-parse", "--verify", `${ref}^{commit}`);
  const dir = join(REPO_ROOT, ".keyplane", "ab", sha.slice(0, 12));
  mkdirSync(join(REPO_ROOT, ".keyplane", "ab"), { recursive: true });
  if (!existsSync(dir)) git("worktree", "add", "--detach", dir, sha);
  if (!existsSync(join(dir, "node_modules")))
    symlinkSync(join(REPO_ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return { dir, sha, remove: () => git("worktree", "remove", "--force", dir) };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function loadBoth(servers: ServerProcess[], req: autocannon.Request, duration: number) {
  const before = servers.map((s) => s.cpuMs() ?? NaN);
  const results = await Promise.all(
    servers.map((s) => autocannon({ url: s.url, connections: 16, duration, requests: [req] })),
  );
  return servers.map((s, i) => ({
    cpuUs: (((s.cpuMs() ?? NaN) - before[i]!) * 1000) / results[i]!.requests.total,
    rps: results[i]!.requests.average,
    failures: results[i]!.non2xx + results[i]!.errors,
  }));
}

async function main(): Promise<void> {
  const ref = process.argv[2];
  const scenario = (process.argv[3] ?? "clearkey") as Scenario;
  if (!ref || !SCENARIOS.includes(scenario)) {
    throw new Error(`usage: npm run bench:ab -- <git ref> [${SCENARIOS.join("|")}]`);
  }
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 4));
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const seed = KeySeed.generate();
  const { areas, config, req } = await requestFor(scenario, seed);
  const base = checkout(ref);
  try {
    const ratios: number[] = [];
    const cpu: [number[], number[]] = [[], []];
    console.log(
      `${scenario}: ${ref} (${base.sha.slice(0, 12)}) against the working tree, both servers on one CPU at the same time`,
    );
    for (let r = 0; r < rounds; r++) {
      const servers = await Promise.all([
        startServerProcess({ areas, config, seedBase64: seed.exportBase64(), root: base.dir }),
        startServerProcess({ areas, config, seedBase64: seed.exportBase64() }),
      ]);
      try {
        await loadBoth(servers, req, 1);
        const [a, b] = await loadBoth(servers, req, seconds);
        if (!a || !b) throw new Error("no measurement");
        if (a.failures || b.failures)
          throw new Error(`non-2xx answers or errors: ${ref} ${a.failures}, working tree ${b.failures}`);
        cpu[0].push(a.cpuUs);
        cpu[1].push(b.cpuUs);
        ratios.push(b.cpuUs / a.cpuUs);
        console.log(
          `  round ${r + 1}: ${ref} ${a.cpuUs.toFixed(1)} µs/request (${Math.round(a.rps)}/s)  working tree ${b.cpuUs.toFixed(1)} µs/request (${Math.round(b.rps)}/s)  ratio ${(b.cpuUs / a.cpuUs).toFixed(3)}`,
        );
      } finally {
        await Promise.all(servers.map((s) => s.close()));
      }
    }
    const m = median(ratios);
    console.log(
      `median CPU/request: ${ref} ${median(cpu[0]).toFixed(1)} µs, working tree ${median(cpu[1]).toFixed(1)} µs; ratio ${m.toFixed(3)} (${m < 1 ? `${((1 - m) * 100).toFixed(1)}% cheaper` : `${((m - 1) * 100).toFixed(1)}% dearer`}; rounds ${ratios.map((x) => x.toFixed(2)).join(" ")})`,
    );
  } finally {
    base.remove();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
