/**
 * Reading the JSON configuration a Lambda function gets in `KEYPLANE_CONFIG`, one section at a time: each entry parses
 * only the sections of its own area (functions/runtimes/entries/), so a function never loads another area's schema.
 * `parseKeyplaneConfig` (functions/config.ts) still checks the whole thing for the lab and the tests.
 */
import type { $ZodType, output } from "zod/v4/core";
import * as z from "./zod";
import { KeyplaneError } from "./errors";
import { formatIssues } from "./validation";

/** The top-level sections a Keyplane configuration may have. */
export const CONFIG_SECTIONS = ["speke", "delivery", "license", "contentKeyRegistry"] as const;

/** The configuration object in `env[name]` (`{}` when unset); refuses non-JSON, non-objects and unknown sections. */
export function configJsonFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  name = "KEYPLANE_CONFIG",
): Record<string, unknown> {
  const text = env[name];
  if (!text) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new KeyplaneError("CONFIG_INVALID", `${name} is not valid JSON`, { status: 500 });
  }
  if (!json || typeof json !== "object" || Array.isArray(json))
    throw new KeyplaneError("CONFIG_INVALID", `Invalid ${name}: (root): expected an object`, { status: 500 });
  for (const k of Object.keys(json)) {
    if (!(CONFIG_SECTIONS as readonly string[]).includes(k))
      throw new KeyplaneError("CONFIG_INVALID", `Invalid ${name}: (root): Unrecognized key: "${k}"`, { status: 500 });
  }
  return json as Record<string, unknown>;
}

/** Parses one section with its schema; errors name the section path (`speke.maxContentKeys: ...`). */
export function parseConfigSection<S extends $ZodType>(
  schema: S,
  value: unknown,
  section: string,
  origin = "KEYPLANE_CONFIG",
): output<S> {
  const r = z.safeParse(schema, value);
  if (!r.success) {
    throw new KeyplaneError("CONFIG_INVALID", `Invalid ${origin}: ${formatIssues(r.error, [section])}`, {
      status: 500,
    });
  }
  return r.data;
}
