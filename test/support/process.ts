/** Running a command to its end in tests (ffmpeg, ffprobe, the CLIs): its exit code and both outputs. */
import { spawn } from "node:child_process";

export interface CommandResult {
  code: number | null;
  stdout: string;
  /** The last 20,000 characters of standard error (enough for ffmpeg's diagnosis, bounded for its progress). */
  stderr: string;
}

export function runCommand(
  cmd: string,
  args: string[],
  o: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...o });
    let stdout = "";
    let stderr = "";
    p.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    p.stderr.on("data", (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-20000);
    });
    p.on("error", reject);
    p.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
