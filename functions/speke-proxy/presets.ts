/**
 * DRM vendor presets for the SPEKE proxy: which request header(s) carry the vendor credential.
 *
 * Sources (checked through public documentation; header names are the part that must be exact):
 * - Axinom Key Service: `Authorization: Basic base64(<tenant id>:<management key>)` on `/Speke` and `/SpekeV2`
 *   (docs.axinom.com "Key Service > SPEKE > Authorization", and Unified Streaming's Axinom CPIX page, which shows
 *   `-H 'Authorization: Basic <Credentials>'` with Credentials = base64 of `<tenant ID>:<Key service management key>`).
 * - EZDRM: the AWS/EZDRM integration (Merapar, "AWS Elemental MediaPackage integration with EZDRM", 2024) has the
 *   API Gateway inject "a security key in the header which is required by EZDRM". EZDRM gives the header name at
 *   onboarding; the preset default below is `X-EZDRM-Key` (not confirmed from a public page: override it with
 *   `headerName` to the name in your EZDRM onboarding sheet).
 * - BuyDRM KeyOS: the KeyOS APIs identify the customer by its "User Key" (Unified Streaming BuyDRM page, Flussonic
 *   KeyOS page); KeyOS's SPEKE front takes it as a request header, and an optional header asks KeyOS to override the
 *   KID. Defaults `X-KeyOS-UserKey` / `X-KeyOS-KID-Override` are not confirmed from a public page: override with
 *   `headerName` / `kidOverrideHeaderName` as your BuyDRM onboarding documents.
 * - generic: one header you name, carrying the credential as is.
 */
import { KeyplaneError } from "../errors";

export type VendorPreset = "ezdrm" | "keyos" | "axinom" | "generic";
export const VENDOR_PRESETS: readonly VendorPreset[] = ["ezdrm", "keyos", "axinom", "generic"];

/** The secret the proxy reads at run time (Secrets Manager JSON, or a bare string = `{ key }`). */
export interface VendorCredential {
  /** EZDRM key, KeyOS user key, or the generic header's value. */
  key?: string;
  /** Axinom tenant id. */
  tenantId?: string;
  /** Axinom Key Service management key. */
  managementKey?: string;
}

export interface VendorHeaderConfig {
  preset: VendorPreset;
  /** Header carrying the credential (required for `generic`; overrides the preset default otherwise). */
  headerName?: string;
  /** KeyOS only: header asking the vendor to override KIDs, sent with `kidOverrideValue` when that is set. */
  kidOverrideHeaderName?: string;
  kidOverrideValue?: string;
}

export const PRESET_DEFAULT_HEADERS: Record<VendorPreset, string | undefined> = {
  ezdrm: "X-EZDRM-Key",
  keyos: "X-KeyOS-UserKey",
  axinom: "Authorization",
  generic: undefined,
};
export const KEYOS_KID_OVERRIDE_HEADER = "X-KeyOS-KID-Override";

const HEADER_NAME_RE = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
/** Headers a credential may never be written to: they would break the exchange or SigV4, or spoof hop headers. */
const RESERVED = new Set(["host", "content-length", "content-type", "transfer-encoding", "connection", "x-speke-version", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]);

export function assertHeaderName(name: string, what = "headerName"): string {
  if (!HEADER_NAME_RE.test(name)) throw new KeyplaneError("VENDOR_CONFIG_INVALID", `${what} "${name}" is not a valid HTTP header name`, { status: 500 });
  if (RESERVED.has(name.toLowerCase())) throw new KeyplaneError("VENDOR_CONFIG_INVALID", `${what} "${name}" is reserved`, { status: 500 });
  return name;
}

/** The credential header name the preset uses (after any override). */
export function credentialHeaderName(cfg: VendorHeaderConfig): string {
  if (!VENDOR_PRESETS.includes(cfg.preset)) throw new KeyplaneError("VENDOR_CONFIG_INVALID", `unknown vendor preset "${String(cfg.preset)}"`, { status: 500 });
  const name = cfg.headerName ?? PRESET_DEFAULT_HEADERS[cfg.preset];
  if (!name) throw new KeyplaneError("VENDOR_CONFIG_INVALID", `the ${cfg.preset} preset needs a headerName`, { status: 500 });
  return assertHeaderName(name);
}

/** Parses the stored secret: JSON object with the fields above, or a bare string (the key). */
export function parseVendorCredential(secret: string): VendorCredential {
  const t = secret.trim();
  if (t.startsWith("{")) {
    let v: unknown;
    try { v = JSON.parse(t); } catch { throw new KeyplaneError("VENDOR_CREDENTIAL_INVALID", "the vendor credential secret is not valid JSON", { status: 500, expose: false }); }
    const o = v as Record<string, unknown>;
    const out: VendorCredential = {};
    for (const k of ["key", "tenantId", "managementKey"] as const) {
      if (o[k] !== undefined) {
        if (typeof o[k] !== "string") throw new KeyplaneError("VENDOR_CREDENTIAL_INVALID", `the vendor credential field ${k} must be a string`, { status: 500, expose: false });
        out[k] = o[k];
      }
    }
    return out;
  }
  if (!t) throw new KeyplaneError("VENDOR_CREDENTIAL_INVALID", "the vendor credential secret is empty", { status: 500, expose: false });
  return { key: t };
}

/** Builds the headers to add to each upstream request. Never logs or echoes the values. */
export function vendorHeaders(cfg: VendorHeaderConfig, cred: VendorCredential): Record<string, string> {
  const name = credentialHeaderName(cfg);
  const missing = (f: string) => new KeyplaneError("VENDOR_CREDENTIAL_INVALID", `the ${cfg.preset} credential needs "${f}"`, { status: 500, expose: false });
  const noCtl = (v: string, f: string) => {
    if (/[\r\n\0]/.test(v)) throw new KeyplaneError("VENDOR_CREDENTIAL_INVALID", `the credential field ${f} contains control characters`, { status: 500, expose: false });
    return v;
  };
  const headers: Record<string, string> = {};
  if (cfg.preset === "axinom") {
    if (!cred.tenantId) throw missing("tenantId");
    if (!cred.managementKey) throw missing("managementKey");
    if (cred.tenantId.includes(":")) throw new KeyplaneError("VENDOR_CREDENTIAL_INVALID", "the Axinom tenantId cannot contain ':'", { status: 500, expose: false });
    headers[name] = `Basic ${Buffer.from(`${noCtl(cred.tenantId, "tenantId")}:${noCtl(cred.managementKey, "managementKey")}`, "utf8").toString("base64")}`;
  } else {
    if (!cred.key) throw missing("key");
    headers[name] = noCtl(cred.key, "key");
  }
  if (cfg.preset === "keyos" && cfg.kidOverrideValue !== undefined) {
    const h = assertHeaderName(cfg.kidOverrideHeaderName ?? KEYOS_KID_OVERRIDE_HEADER, "kidOverrideHeaderName");
    headers[h] = noCtl(cfg.kidOverrideValue, "kidOverrideValue");
  }
  return headers;
}
