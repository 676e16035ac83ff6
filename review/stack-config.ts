/**
 * Reads a `Pulumi.<stack>.yaml` the way the Pulumi CLI hands config to a program: a flat map of `namespace:key` to
 * string (structured values as JSON), plus the list of secret keys. Encrypted (`secure:`) values cannot be decrypted
 * without the stack's secrets provider, so the offline review substitutes a placeholder and still marks the key secret.
 */
import { readFileSync, statSync } from "node:fs";
import yaml from "js-yaml";
import { KeyplaneError } from "../functions/errors";

// js-yaml 4 (the parser @pulumi/pulumi reads these files with): its default schema is the safe one (no JS types).

const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Stands in for every `secure:` value during the offline review: 64 hex characters, so it is valid as hex (32 bytes)
 * and as base64 (48 bytes, enough for a key seed). It is not a secret and never reaches a cloud.
 */
export const SECRET_PLACEHOLDER = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

export interface StackConfig {
  /** `namespace:key` -> value, as `pulumi.runtime.setAllConfig` expects. */
  values: Record<string, string>;
  /** Keys whose value is (or contains) a secret. */
  secretKeys: string[];
  /** Keys whose value was written in plain text although their name says secret (seed, password, key, token). */
  plainSecretLookingKeys: string[];
  /** `namespace:key` -> the 1-based line of its key in the file (for SARIF regions). */
  keyLines: Record<string, number>;
}

function isSecure(v: unknown): v is { secure: string } {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    Object.keys(v).length === 1 &&
    typeof (v as { secure?: unknown }).secure === "string"
  );
}

/** Replace nested `{secure: ...}` values by the placeholder; report whether any was found. */
function unsecure(v: unknown): { value: unknown; secret: boolean } {
  if (isSecure(v)) return { value: SECRET_PLACEHOLDER, secret: true };
  if (Array.isArray(v)) {
    let secret = false;
    const value = v.map((x) => {
      const r = unsecure(x);
      secret ||= r.secret;
      return r.value;
    });
    return { value, secret };
  }
  if (typeof v === "object" && v !== null) {
    let secret = false;
    const value = Object.fromEntries(
      Object.entries(v).map(([k, x]) => {
        const r = unsecure(x);
        secret ||= r.secret;
        return [k, r.value];
      }),
    );
    return { value, secret };
  }
  return { value: v, secret: false };
}

const SECRET_LOOKING = /(seed|password|secret|token|tokenkey|apikey|api_key|privatekey|ask|credential)$/i;

/**
 * The line of each key directly under the top-level `config:` mapping (block style, as `pulumi config set` writes it).
 * Best effort: a key not found here (flow style, anchors) simply has no line.
 */
function configKeyLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => /^config\s*:\s*(#.*)?$/.test(l));
  if (start < 0) return out;
  let indent: number | undefined;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (/^\s*(#.*)?$/.test(l)) continue;
    const m = /^( +)("[^"]*"|'[^']*'|[^\s#'"][^#]*?):(?:\s|$)/.exec(l);
    const lead = /^ */.exec(l)![0].length;
    if (lead === 0) break;
    indent ??= lead;
    if (!m || lead !== indent) continue;
    const raw = m[2]!;
    const key = /^["']/.test(raw) ? raw.slice(1, -1) : raw;
    if (!out.has(key)) out.set(key, i + 1);
  }
  return out;
}

export function parseStackConfig(text: string, project: string, filename = "stack config"): StackConfig {
  let doc: unknown;
  try {
    doc = yaml.load(text, { filename });
  } catch (e) {
    throw new KeyplaneError(
      "stack_config_unreadable",
      `${filename}: not valid YAML (${(e as Error).message.split("\n")[0]})`,
    );
  }
  if (doc === undefined || doc === null) doc = {};
  if (typeof doc !== "object" || Array.isArray(doc))
    throw new KeyplaneError("stack_config_unreadable", `${filename}: expected a mapping with a "config" key`);
  const config = (doc as { config?: unknown }).config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config))
    throw new KeyplaneError("stack_config_unreadable", `${filename}: "config" must be a mapping`);
  const out: StackConfig = { values: {}, secretKeys: [], plainSecretLookingKeys: [], keyLines: {} };
  const lines = configKeyLines(text);
  for (const [rawKey, rawValue] of Object.entries(config)) {
    const key = rawKey.includes(":") ? rawKey : `${project}:${rawKey}`;
    const line = lines.get(rawKey);
    if (line !== undefined) out.keyLines[key] = line;
    const { value, secret } = unsecure(rawValue);
    out.values[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (secret) out.secretKeys.push(key);
    else if (SECRET_LOOKING.test(key.split(":").pop() ?? "")) out.plainSecretLookingKeys.push(key);
  }
  return out;
}

export function loadStackConfig(file: string, project: string): StackConfig {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new KeyplaneError("stack_config_missing", `${file}: no such stack config file`);
  }
  if (size > MAX_CONFIG_BYTES)
    throw new KeyplaneError("stack_config_too_large", `${file}: larger than ${MAX_CONFIG_BYTES} bytes`);
  return parseStackConfig(readFileSync(file, "utf8"), project, file);
}
