/**
 * Runs the benchmark server (bench/support/server.ts) in a separate Node process, bundled with esbuild exactly like
 * the Lambda bundles (components/shared/bundle.ts), so the numbers are those of the deployed code, not of tsx.
 * On a machine with two or more CPUs the server is pinned to one CPU (`taskset -c <last>`) and the caller to the
 * others: "requests/s on one core" means what it says.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { bundleFunction, REPO_ROOT } from "../../components/shared/bundle";

export interface ServerProcess {
  url: string;
  /** Human-readable placement, e.g. `server pinned to CPU 1, load generator on CPU 0`. */
  placement: string;
  /** CPU time (user + system) the server process has used so far, in ms (from /proc; undefined elsewhere). */
  cpuMs(): number | undefined;
  close(): Promise<void>;
}

export interface ServerProcessOptions {
  areas: string[];
  config?: unknown;
  seedBase64: string;
  /** Serve plain node:http "ok" instead of the app (the machine's reference point, see load.ts `calibrate`). */
  plain?: boolean;
  /** With `plain`: answer this many bytes instead of "ok" (a floor with the same response size as a scenario's). */
  plainBytes?: number;
  /** Build the server from another checkout of this repository (bench/ab.ts); default this one. */
  root?: string;
}

function hasTaskset(): boolean {
  return spawnSync("taskset", ["-V"], { stdio: "ignore" }).status === 0;
}

let pinnedSelf = false;

/** Builds (once per run) and starts the server; resolves when it prints its URL. */
export async function startServerProcess(opts: ServerProcessOptions): Promise<ServerProcess> {
  const dir = join(REPO_ROOT, ".keyplane", "bench");
  mkdirSync(dir, { recursive: true });
  const bundle = bundleFunction("bench/support/server.ts", opts.root ? { root: opts.root } : {});
  // One file per distinct build, so two servers built from different checkouts can start side by side.
  const file = join(dir, `server-${bundle.sha256.replace(/[^A-Za-z0-9]/g, "").slice(0, 12)}.cjs`);
  writeFileSync(file, bundle.code);

  const n = cpus().length;
  const taskset = hasTaskset();
  const pin = n >= 2 && taskset;
  const serverCpu = n - 1;
  if (pin && !pinnedSelf) {
    // The load generator (this process and its autocannon workers) stays off the server's CPU.
    spawnSync("taskset", ["-a", "-p", "-c", `0-${n - 2}`, String(process.pid)], { stdio: "ignore" });
    pinnedSelf = true;
  }
  const cmd = pin ? "taskset" : process.execPath;
  const args = pin ? ["-c", String(serverCpu), process.execPath, file] : [file];
  const child: ChildProcess = spawn(cmd, args, {
    env: {
      ...process.env,
      KEY_SEED: opts.seedBase64,
      BENCH_AREAS: opts.areas.join(","),
      BENCH_CONFIG: JSON.stringify(opts.config ?? {}),
      BENCH_PLAIN: opts.plain ? "1" : "",
      BENCH_PLAIN_BYTES: opts.plainBytes === undefined ? "" : String(opts.plainBytes),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => {
      try {
        resolve((JSON.parse(line) as { url: string }).url);
      } catch (e) {
        reject(e);
      }
    });
    child.once("exit", (code) => reject(new Error(`benchmark server exited with ${code}`)));
  });
  const statFile = `/proc/${child.pid}/stat`;
  const tick = 100; // USER_HZ on Linux
  return {
    url,
    placement: pin
      ? `server process pinned to CPU ${serverCpu}, load generator on CPU${n > 2 ? `s 0-${n - 2}` : " 0"}`
      : `server in its own process (not pinned: ${n} CPU, taskset ${taskset ? "present" : "missing"})`,
    cpuMs() {
      try {
        const fields = readFileSync(statFile, "utf8").split(") ")[1]!.split(" ");
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / tick;
      } catch {
        return undefined;
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
