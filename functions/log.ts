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
}

/** Field names (case-insensitive, substring match) whose values are never written. */
export const REDACTED_FIELDS = [
  "key", "seed", "token", "secret", "password", "authorization", "cookie", "credential", "signature",
  "private", "pfx", "ask", "bearer", "x-axdrm-message", "x-dt-auth-token", "apikey", "api-key",
];
/** Field names that contain a redacted word but are safe (identifiers, not material). */
const SAFE_FIELDS = new Set(["kid", "kids", "keyid", "keyids", "keycount", "contentkeycount", "keyperiod", "keyperiods", "tokentype", "seedfingerprint", "seedsource", "seedpath"]);

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function isSensitive(name: string): boolean {
  const n = name.toLowerCase();
  if (SAFE_FIELDS.has(n.replace(/[^a-z]/g, ""))) return false;
  return REDACTED_FIELDS.some((w) => n.includes(w));
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[depth]";
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Error) return { name: value.name, message: value.message, code: (value as { code?: unknown }).code };
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return `[${value.length} bytes]`;
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSensitive(k) ? "[redacted]" : redact(v, depth + 1);
    return out;
  }
  return value;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go; defaults to stdout. Tests pass an array collector. */
  sink?: (line: string) => void;
  base?: LogFields;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const level: LogLevel = opts.level ?? (process.env.LOG_LEVEL && process.env.LOG_LEVEL in LEVELS ? (process.env.LOG_LEVEL as LogLevel) : "info");
  const min = LEVELS[level];
  const sink = opts.sink ?? ((line: string) => process.stdout.write(line + "\n"));
  const base = opts.base ?? {};
  const write = (level: LogLevel, event: string, fields?: LogFields) => {
    if (LEVELS[level] < min) return;
    const rec = redact({ ...base, ...fields }) as LogFields;
    sink(JSON.stringify({ time: new Date().toISOString(), level, event, ...rec }));
  };
  return {
    debug: (e, f) => write("debug", e, f),
    info: (e, f) => write("info", e, f),
    warn: (e, f) => write("warn", e, f),
    error: (e, f) => write("error", e, f),
    child: (fields) => createLogger({ ...opts, level, sink, base: { ...base, ...fields } }),
  };
}

/** A logger that writes nothing (benchmarks). */
export const silentLogger: Logger = createLogger({ sink: () => undefined, level: "error" });
