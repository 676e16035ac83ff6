/**
 * Structured JSON logs, one line per event, with a request id. Values under sensitive keys are replaced before
 * anything is written, so a careless call site cannot leak a key, seed, token or vendor credential.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
  /** True when a line at `level` would be written (lets hot paths skip building fields for a line nobody sees). */
  enabled(level: LogLevel): boolean;
}

/** Field names (case-insensitive, substring match) whose values are never written. */
export const REDACTED_FIELDS = [
  "key",
  "seed",
  "token",
  "secret",
  "password",
  "authorization",
  "cookie",
  "credential",
  "signature",
  "private",
  "pfx",
  "ask",
  "bearer",
  "x-axdrm-message",
  "x-dt-auth-token",
  "apikey",
  "api-key",
];
/** Field names that contain a redacted word but are safe (identifiers, not material). */
const SAFE_FIELDS = new Set([
  "kid",
  "kids",
  "keyid",
  "keyids",
  "keycount",
  "contentkeycount",
  "keyperiod",
  "keyperiods",
  "tokentype",
  "seedfingerprint",
  "seedsource",
  "seedpath",
]);

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function isSensitive(name: string): boolean {
  const n = name.toLowerCase();
  if (SAFE_FIELDS.has(n.replace(/[^a-z]/g, ""))) return false;
  return REDACTED_FIELDS.some((w) => n.includes(w));
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[depth]";
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error)
    return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSensitive(k) ? "[redacted]" : redact(v, depth + 1);
    return out;
  }
  return value;
}

export interface LoggerOptions {
  /**
   * Lowest level written: `debug`, `info` (every request writes a line), `warn` or `error`. Default: `LOG_LEVEL`,
   * else `info`.
   */
  level?: LogLevel;
  /** Where lines go; defaults to stdout. Tests pass an array collector. */
  sink?: (line: string) => void;
  /** Fields written on every line (e.g. `{ fn: "speke" }`); never put a secret here. */
  base?: LogFields;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level: LogLevel =
    opts.level ??
    (process.env.LOG_LEVEL && process.env.LOG_LEVEL in LEVELS ? (process.env.LOG_LEVEL as LogLevel) : "info");
  const sink = opts.sink ?? ((line: string) => process.stdout.write(line + "\n"));
  return new JsonLogger(LEVELS[level], sink, opts.base ?? {});
}

/** One per request (via `child`), so construction is three field stores; the work happens only for lines written. */
class JsonLogger implements Logger {
  constructor(
    private readonly min: number,
    private readonly sink: (line: string) => void,
    private readonly base: LogFields,
  ) {}

  enabled(level: LogLevel): boolean {
    return LEVELS[level] >= this.min;
  }

  debug(event: string, fields?: LogFields): void {
    if (this.min <= LEVELS.debug) this.write("debug", event, fields);
  }

  info(event: string, fields?: LogFields): void {
    if (this.min <= LEVELS.info) this.write("info", event, fields);
  }

  warn(event: string, fields?: LogFields): void {
    if (this.min <= LEVELS.warn) this.write("warn", event, fields);
  }

  error(event: string, fields?: LogFields): void {
    if (this.min <= LEVELS.error) this.write("error", event, fields);
  }

  child(fields: LogFields): Logger {
    return new JsonLogger(this.min, this.sink, { ...this.base, ...fields });
  }

  private write(level: LogLevel, event: string, fields?: LogFields): void {
    const rec = redact({ ...this.base, ...fields }) as LogFields;
    this.sink(JSON.stringify({ time: new Date().toISOString(), level, event, ...rec }));
  }
}

/** A logger that writes nothing (benchmarks). */
export const silentLogger: Logger = createLogger({ sink: () => undefined, level: "error" });
