/**
 * Shaka Packager (Google's official binaries, npm package `shaka-packager`) in raw-key mode: the lab hands it the
 * content keys, KIDs and PSSH boxes from a SPEKE v2 response and it writes CMAF fragments, the MPD or the HLS
 * playlists. Keys travel in a private flag file (`--flagfile`, mode 0600, removed afterwards), never on the command
 * line where `ps` would show them. The npm package's `index.js` wrapper always exits 0 (it drops the binary's exit
 * code), so the lab runs the platform binary itself and judges it by its exit code.
 */
import { spawn } from "node:child_process";
import { promises as fs } from "node:fs";
import { dirname, join } from "node:path";
import { KeyplaneError } from "../functions/errors";

const BINARIES: Record<string, Record<string, string>> = {
  linux: { x64: "packager-linux-x64", arm64: "packager-linux-arm64" },
  darwin: { x64: "packager-osx-x64", arm64: "packager-osx-arm64" },
  win32: { x64: "packager-win-x64.exe" },
};

function packagerError(msg: string): KeyplaneError {
  return new KeyplaneError("PACKAGER_FAILED", msg, { status: 500 });
}

/** The Shaka Packager binary for this platform, from the installed `shaka-packager` package. */
export function packagerPath(): string {
  const name = BINARIES[process.platform]?.[process.arch];
  if (!name) throw packagerError(`Shaka Packager has no binary for ${process.platform}/${process.arch}`);
  let pkg: string;
  try {
    pkg = require.resolve("shaka-packager/package.json");
  } catch {
    throw packagerError(
      "Shaka Packager is not installed: run `npm ci` (the npm package `shaka-packager` ships the binaries)",
    );
  }
  return join(dirname(pkg), "bin", name);
}

function run(bin: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => {
      stdout = (stdout + d.toString()).slice(-20_000);
    });
    p.stderr.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-20_000);
    });
    p.on("error", (e) => reject(packagerError(`Cannot run Shaka Packager (${bin}): ${e.message}`)));
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** `packager --version`, e.g. `v3.4.2-c819dea-release`. */
export async function packagerVersion(): Promise<string> {
  const r = await run(packagerPath(), ["--version"]);
  const m = /version\s+(\S+)/.exec(r.stdout + r.stderr);
  if (r.code !== 0 || !m)
    throw packagerError(`Shaka Packager did not report a version: ${(r.stderr || r.stdout).trim().slice(-300)}`);
  return m[1]!;
}

export interface RawKey {
  label: string;
  kid: Buffer;
  key: Buffer;
}

/** One stream descriptor (`in=...,stream=...,...`); values must not contain commas. */
export type StreamDescriptor = Record<string, string>;

export interface PackagerRun {
  streams: StreamDescriptor[];
  keys: RawKey[];
  /** PSSH boxes written into every init segment (Shaka Packager's raw-key mode takes one list for all streams). */
  pssh: Buffer[];
  scheme: "cenc" | "cbcs";
  /** Other flags (`--mpd_output=...`, `--hls_master_playlist_output=...`, ...), no secrets. */
  flags: string[];
  /** A private directory for the flag file. */
  workDir: string;
}

function descriptor(s: StreamDescriptor): string {
  return Object.entries(s)
    .map(([k, v]) => {
      if (/[,\n]/.test(v) || /[=,\n]/.test(k))
        throw packagerError(`stream descriptor value for ${k} contains a comma or newline: ${JSON.stringify(v)}`);
      return `${k}=${v}`;
    })
    .join(",");
}

/** glog's line prefix: severity + MMDD, time, thread, file:line] */
const GLOG_PREFIX = /^([IWEF])\d{4} [\d:.]+\s+\d+ [^\]]*\] /;

/**
 * The packager's own message from its log: its warning/error/fatal lines without the glog prefix (INFO dropped),
 * duplicates removed, the last few kept; the raw tail when there are none.
 */
export function packagerMessage(log: string): string {
  const lines = log
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const errors = lines.flatMap((l) => {
    const m = GLOG_PREFIX.exec(l);
    return m && m[1] !== "I" ? [l.slice(m[0].length)] : [];
  });
  return [...new Set(errors.length ? errors : lines)].slice(-6).join("\n");
}

/** Runs Shaka Packager; rejects with PACKAGER_FAILED and the packager's own message when it fails. */
export async function runPackager(o: PackagerRun): Promise<void> {
  const flagFile = join(o.workDir, `packager-${o.scheme}.flags`);
  const hex = (b: Buffer) => b.toString("hex");
  const flags = [
    "--enable_raw_key_encryption",
    `--keys=${o.keys.map((k) => `label=${k.label}:key_id=${hex(k.kid)}:key=${hex(k.key)}`).join(",")}`,
    ...(o.pssh.length ? [`--pssh=${hex(Buffer.concat(o.pssh))}`] : []),
    `--protection_scheme=${o.scheme}`,
    ...o.flags,
  ];
  await fs.writeFile(flagFile, flags.join("\n") + "\n", { mode: 0o600 });
  try {
    const r = await run(packagerPath(), [...o.streams.map(descriptor), "--quiet", `--flagfile=${flagFile}`]);
    if (r.code !== 0) {
      throw packagerError(
        `Shaka Packager failed (exit ${r.code ?? "signal"}):\n${packagerMessage(r.stderr + "\n" + r.stdout)}`,
      );
    }
  } finally {
    await fs.rm(flagFile, { force: true });
  }
}
