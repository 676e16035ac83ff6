/**
 * The `spekeProxy` section of the Keyplane configuration: the vendor SPEKE proxy function's settings (the vendor URL,
 * its preset and header names, deadlines). The credential is never here: it comes from Secrets Manager
 * (`VENDOR_CREDENTIAL_SECRET_ARN`) at run time.
 */
import * as z from "../zod";
import type { VendorPreset } from "./presets";
import type { SpekeProxyConfig } from "./proxy";

const PRESETS = ["ezdrm", "keyos", "axinom", "generic"] as const satisfies readonly VendorPreset[];
const headerText = z.string().check(z.minLength(1), z.maxLength(1024));
const intIn = (min: number, max: number) => z.number().check(z.int(), z.minimum(min), z.maximum(max));

export const spekeProxyConfigSchema = z.strictObject({
  /** The vendor's SPEKE URL (https; required). */
  vendorUrl: z.url().check(z.maxLength(2048)),
  /** How the credential travels: `axinom`, `ezdrm`, `keyos` or `generic` (required; docs/aws.md#knobs-and-rules). */
  preset: z.enum(PRESETS),
  /** The credential header (per preset by default). */
  headerName: z.optional(headerText),
  /** KeyOS only: the header asking the vendor to override KIDs (no public default; required with kidOverrideValue). */
  kidOverrideHeaderName: z.optional(headerText),
  /** KeyOS only: the value sent in kidOverrideHeaderName. Absent: no KID override header. */
  kidOverrideValue: z.optional(headerText),
  /** Upstream deadline in ms (100–29000); default 10000. */
  timeoutMs: z.optional(intIn(100, 29_000)),
  /** Largest vendor answer in bytes (1 KiB–6 MiB); default 4 MiB. */
  maxResponseBytes: z.optional(intIn(1024, 6 * 1024 * 1024)),
});
export type SpekeProxySection = z.infer<typeof spekeProxyConfigSchema>;

/** The proxy's settings from a parsed section (optional fields absent stay absent). */
export function spekeProxySettings(s: SpekeProxySection): SpekeProxyConfig {
  const out: SpekeProxyConfig = { vendorUrl: s.vendorUrl, preset: s.preset };
  for (const k of ["headerName", "kidOverrideHeaderName", "kidOverrideValue", "timeoutMs", "maxResponseBytes"] as const)
    if (s[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = s[k];
  return out;
}
