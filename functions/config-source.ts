/**
 * Where the one Keyplane configuration comes from, and in which order (lowest first): schema defaults, the caller's
 * `defaults` (the lab's own URL), the document (`KEYPLANE_CONFIG_FILE`, a path, or `KEYPLANE_CONFIG`, inline JSON;
 * both is an error), the environment overrides (functions/config-env.ts), the caller's `overrides`. Old variable names
 * and unknown `KEYPLANE_<SECTION>_*` variables are refused. Each process then parses only the sections it serves
 * (`loadConfigSections`, schemas passed in, so a Lambda bundle holds only its own); `loadKeyplaneConfig`
 * (functions/config.ts) parses them all. Errors name the variable and the config path, never a value.
 */
import { readFileSync } from "node:fs";
import type { $ZodType, output } from "zod/v4/core";
import * as z from "./zod";
import {
  CONFIG_ENV,
  CONFIG_FILE_ENV,
  CONFIG_SECTIONS,
  ENV_OVERRIDES,
  type EnvOverride,
  NOT_OVERRIDES,
  RENAMED_ENV,
  SECTION_PREFIXES,
} from "./config-env";
import { KeyplaneError } from "./errors";
import { formatIssues } from "./validation";

type Env = Record<string, string | undefined>;
type Doc = Record<string, unknown>;

export interface ConfigSourceOptions {
  /** Default process.env. */
  env?: Env;
  /** The document itself, instead of KEYPLANE_CONFIG_FILE / KEYPLANE_CONFIG (tests, `startLab({ config })`). */
  document?: unknown;
  /** A file to read instead of the variables (`startLab({ configFile })`, the lab's `keyplane.config.json`). */
  file?: string;
  /** Below the document (the lab: its own URL, lab mode, the registry file). */
  defaults?: Doc;
  /** Above everything (tests, the integrator). */
  overrides?: Doc;
}

export interface ConfigDocument {
  /** The merged document, before validation. */
  document: Doc;
  /** Where it came from, for messages (`KEYPLANE_CONFIG_FILE keyplane.config.json + environment`). */
  origin: string;
  /** The overrides that were set (their paths name the variable in errors). */
  applied: readonly EnvOverride[];
}

function configError(message: string): KeyplaneError {
  return new KeyplaneError("CONFIG_INVALID", message, { status: 500, expose: false });
}

const isObject = (v: unknown): v is Doc => !!v && typeof v === "object" && !Array.isArray(v);

/** Fields whose value is a tagged variant (`type`, `kind`, `alg`, `mode`): an override replaces them whole. */
const TAGS = ["type", "kind", "alg", "mode"];

/** Objects merge field by field; anything else (arrays, tagged variants, scalars) replaces. */
export function mergeConfig(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isObject(over) || !isObject(base) || TAGS.some((t) => t in over)) return over;
  const out: Doc = { ...base };
  for (const [k, v] of Object.entries(over)) if (v !== undefined) out[k] = mergeConfig(base[k], v);
  return out;
}

function readDocument(env: Env, o: ConfigSourceOptions): { doc: unknown; origin: string } {
  if (o.document !== undefined) return { doc: o.document, origin: "configuration" };
  const fileVar = env[CONFIG_FILE_ENV];
  const inline = env[CONFIG_ENV];
  if (fileVar && inline)
    throw configError(`Set ${CONFIG_FILE_ENV} (a file) or ${CONFIG_ENV} (the same document inline), not both`);
  const file = o.file ?? fileVar;
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      throw configError(`Cannot read the configuration file ${file}: ${(e as NodeJS.ErrnoException).code ?? "error"}`);
    }
    try {
      return { doc: JSON.parse(text), origin: `${CONFIG_FILE_ENV} ${file}` };
    } catch {
      // Not the parser's message: it quotes the text, which may hold a signing key.
      throw configError(`The configuration file ${file} is not JSON`);
    }
  }
  if (inline) {
    try {
      return { doc: JSON.parse(inline), origin: CONFIG_ENV };
    } catch {
      throw configError(`${CONFIG_ENV} is not valid JSON`);
    }
  }
  return { doc: {}, origin: "configuration" };
}

function checkRoot(doc: unknown, origin: string): Doc {
  if (!isObject(doc)) throw configError(`Invalid ${origin}: (root): expected an object`);
  for (const k of Object.keys(doc)) {
    if (k === "$schema") {
      if (typeof doc[k] !== "string") throw configError(`Invalid ${origin}: $schema: expected a string`);
    } else if (!(CONFIG_SECTIONS as readonly string[]).includes(k)) {
      throw configError(`Invalid ${origin}: (root): Unrecognized key: "${k.slice(0, 64)}"`);
    }
  }
  return doc;
}

function overrideValue(o: EnvOverride, text: string): unknown {
  switch (o.kind) {
    case "integer":
      if (!/^\d+$/.test(text.trim())) throw configError(`${o.env} (${o.path}) must be a whole number`);
      return Number(text.trim());
    case "list":
      return text
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    case "json":
      try {
        return JSON.parse(text);
      } catch {
        throw configError(`${o.env} (${o.path}) must be JSON`);
      }
    default:
      return text;
  }
}

const nested = (path: string, value: unknown): Doc =>
  path.split(".").reduceRight<unknown>((v, k) => ({ [k]: v }), value) as Doc;

/** Variable names the document itself points at (policies, secret references): not overrides, so never refused. */
function namedByDocument(v: unknown, into: Set<string>): Set<string> {
  if (Array.isArray(v)) for (const x of v) namedByDocument(x, into);
  else if (isObject(v))
    for (const [k, x] of Object.entries(v)) {
      if ((k === "env" || k === "secretEnv" || k === "policyEnv") && typeof x === "string") into.add(x);
      else namedByDocument(x, into);
    }
  return into;
}

function checkNames(env: Env, doc: Doc): void {
  const problems: string[] = [];
  for (const r of RENAMED_ENV)
    if (env[r.old] !== undefined) problems.push(`${r.old} is no longer read: use ${r.replacement}`);
  const named = namedByDocument(doc, new Set(NOT_OVERRIDES));
  const known = new Set(ENV_OVERRIDES.map((o) => o.env));
  for (const name of Object.keys(env)) {
    if (known.has(name) || named.has(name) || RENAMED_ENV.some((r) => r.old === name)) continue;
    if (SECTION_PREFIXES.some((p) => name === p || name.startsWith(`${p}_`)))
      problems.push(`${name} is not a configuration override (see the table in docs/configuration.md)`);
  }
  if (problems.length) throw configError(`Configuration environment: ${problems.join("; ")}`);
}

/** Reads, merges and name-checks the document; validation is the caller's (`loadConfigSections`). */
export function resolveConfigDocument(o: ConfigSourceOptions = {}): ConfigDocument {
  const env = o.env ?? process.env;
  const read = readDocument(env, o);
  let doc = mergeConfig(o.defaults ?? {}, checkRoot(read.doc, read.origin)) as Doc;
  const applied: EnvOverride[] = [];
  for (const ov of ENV_OVERRIDES) {
    const text = env[ov.env];
    if (text === undefined || text === "") continue;
    doc = mergeConfig(doc, nested(ov.path, overrideValue(ov, text))) as Doc;
    applied.push(ov);
  }
  doc = checkRoot(mergeConfig(doc, o.overrides), "configuration overrides");
  checkNames(env, doc);
  return { document: doc, origin: applied.length ? `${read.origin} + environment` : read.origin, applied };
}

/** Parses one value with its schema; a failure names the origin, the path and the variable it came from. */
export function parseConfigValue<S extends $ZodType>(
  schema: S,
  value: unknown,
  at: readonly PropertyKey[],
  source: Pick<ConfigDocument, "origin" | "applied">,
): output<S> {
  const r = z.safeParse(schema, value);
  if (!r.success) {
    // Name the variable an issue came from, never a value.
    const from = (path: string) => source.applied.find((o) => path === o.path || path.startsWith(`${o.path}.`))?.env;
    const note = (path: string) => {
      const env = from(path);
      return env ? `(from ${env})` : undefined;
    };
    throw configError(`Invalid ${source.origin}: ${formatIssues(r.error, at, note)}`);
  }
  return r.data;
}

/**
 * The sections a process serves, each parsed with the schema given (wrap optional ones in `z.prefault(schema, {})`):
 * `loadConfigSections({ speke: z.prefault(spekeConfigSchema, {}) })`. Other sections are refused only when unknown.
 */
export function loadConfigSections<T extends Record<string, $ZodType>>(
  schemas: T,
  o: ConfigSourceOptions = {},
): { [K in keyof T]: output<T[K]> } & { source: ConfigDocument } {
  const source = resolveConfigDocument(o);
  const out: Record<string, unknown> = { source };
  for (const [name, schema] of Object.entries(schemas))
    out[name] = parseConfigValue(schema, source.document[name], [name], source);
  return out as { [K in keyof T]: output<T[K]> } & { source: ConfigDocument };
}
