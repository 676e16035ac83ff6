/**
 * Run-time configuration of the SPEKE proxy function: `KEYPLANE_CONFIG` (JSON). Validated by hand rather than with
 * zod so the proxy bundle stays small (cold starts sit in the packager's key request path).
 */
import { KeyplaneError } from "../errors";
import { VENDOR_PRESETS, type VendorPreset } from "./presets";
import type { SpekeProxyConfig } from "./proxy";

export interface SpekeProxyConfigInput {
  vendorUrl: string;
  preset: VendorPreset;
  headerName?: string;
  kidOverrideHeaderName?: string;
  kidOverrideValue?: string;
  timeoutMs?: number;
  maxResponseBytes?: number;
}

const KNOWN = new Set([
  "vendorUrl",
  "preset",
  "headerName",
  "kidOverrideHeaderName",
  "kidOverrideValue",
  "timeoutMs",
  "maxResponseBytes",
]);

function bad(message: string): KeyplaneError {
  return new KeyplaneError("VENDOR_CONFIG_INVALID", `Invalid SPEKE proxy configuration: ${message}`, { status: 500 });
}

/** Parses `KEYPLANE_CONFIG`; throws `VENDOR_CONFIG_INVALID` naming the bad field. */
export function parseSpekeProxyConfig(json: string | undefined): SpekeProxyConfig {
  if (!json) throw new KeyplaneError("VENDOR_CONFIG_INVALID", "KEYPLANE_CONFIG is not set", { status: 500 });
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new KeyplaneError("VENDOR_CONFIG_INVALID", "KEYPLANE_CONFIG is not valid JSON", { status: 500 });
  }
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw bad("(root): must be an object");
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!KNOWN.has(k)) throw bad(`${k}: unknown field`);
  if (typeof o.vendorUrl !== "string" || !URL.canParse(o.vendorUrl)) throw bad("vendorUrl: must be a URL");
  if (typeof o.preset !== "string" || !VENDOR_PRESETS.includes(o.preset as VendorPreset))
    throw bad(`preset: must be one of ${VENDOR_PRESETS.join(", ")}`);
  const out: SpekeProxyConfig = { vendorUrl: o.vendorUrl, preset: o.preset as VendorPreset };
  for (const k of ["headerName", "kidOverrideHeaderName", "kidOverrideValue"] as const) {
    if (o[k] === undefined) continue;
    if (typeof o[k] !== "string" || o[k].length === 0 || o[k].length > 1024)
      throw bad(`${k}: must be a non-empty string`);
    out[k] = o[k];
  }
  const int = (k: "timeoutMs" | "maxResponseBytes", min: number, max: number) => {
    if (o[k] === undefined) return;
    if (typeof o[k] !== "number" || !Number.isInteger(o[k]) || o[k] < min || o[k] > max)
      throw bad(`${k}: must be an integer from ${min} to ${max}`);
    out[k] = o[k];
  };
  int("timeoutMs", 100, 29_000);
  int("maxResponseBytes", 1024, 6 * 1024 * 1024);
  return out;
}
