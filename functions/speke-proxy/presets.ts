/**
 * DRM vendor presets for the SPEKE proxy: where each vendor's SPEKE/CPIX endpoint lives and how its credential travels.
 * The proxy adds the credential server-side (read from Secrets Manager); it never appears in logs or error bodies.
 *
 * Sources (public pages, checked 2026-11; the names below are the part that must be exact):
 * - axinom (verified): Axinom Key Service SPEKE endpoints `/api/Speke` (SPEKE v1) and `/api/SpekeV2` (SPEKE v2), e.g.
 *   `https://key-server-management.axprod.net/api/SpekeV2`; header `Authorization: Basic base64(<tenant id>:<management key>)`.
 *   Sources: docs.axinom.com "Key Service > SPEKE" (https://docs.axinom.com/services/drm/key-service/speke: "requires an
 *   authorization header - the same as described under the Key Service Management API"); Unified Streaming "Axinom"
 *   (https://docs.unified-streaming.com/documentation/drm/axinom.html: `curl 'https://key-server-management.axprod.net/api/SpekeV2'
 *   -H 'Authorization: Basic <Credentials>'`, Credentials = base64 of `<tenant ID>:<Key service management key>`);
 *   docs.axinom.com "Setting up API Gateway, and IAM Role" (https://docs.axinom.com/services/drm/encoders/aws-media-services/api-gateway-and-iam-role:
 *   endpoint `https://key-server-management.axprod.net/api/Speke?overrideKeyIds=true`, KID override as a URL parameter).
 * - ezdrm (verified for query parameters): EZDRM CPIX endpoint `https://cpix.ezdrm.com/KeyGenerator/cpix.aspx` with the
 *   account in query parameters `u` (EZDRM account username or email) and `p` (EZDRM account password); other
 *   parameters (`c` resource name, `m` DRM selection, `k` KID) are not credentials and may stay in `vendorUrl`.
 *   Sources: Unified Streaming "EZDRM" (https://docs.unified-streaming.com/documentation/drm/ezdrm.html:
 *   `https://cpix.ezdrm.com/KeyGenerator/cpix.aspx?k=KeyID&u=USERNAME&p=PASSWORD&c=RESOURCENAME`); Qencode
 *   "EZDRM - Widevine" / "EZDRM - Fairplay" (https://docs.qencode.com/tutorials/transcoding/drm/ezdrm-widevine: table
 *   `u=` EZDRM account username or email, `p=` EZDRM account password). Credential `{ username, password }`.
 *   Header variant (unverified): Merapar, "AWS Elemental Media Package Integration with EZDRM (Part 1)", 2024
 *   (https://articles.merapar.com/aws-elemental-media-package-integration-with-ezdrm-part-1) has API Gateway inject
 *   "a security key in the header which is required by EZDRM" without naming the header publicly: with an explicit
 *   `headerName` the ezdrm preset sends the credential's `key` in that header instead.
 * - keyos (unverified): BuyDRM does not publish its KeyOS SPEKE URL or header names. BuyDRM, "Deploying KeyOS with AWS
 *   Elemental Media Services" (https://go.buydrm.com/thedrmblog/deploying-keyos-with-aws-elemental-media-services):
 *   "login to your KeyOS Account ... and search the Wiki for the actual SPEKE URL". The public KeyOS APIs identify the
 *   customer by a "User Key" (Unified Streaming "BuyDRM", https://docs.unified-streaming.com/documentation/drm/buydrm.html,
 *   SOAP `<UserKey>`; its CPIX API `https://cpix.keyos.com/api/v4/getKeysNoEncryption?auth-token=<JWT>` takes a generated
 *   JWT, not a static secret, so it is not a preset). No default: `headerName` (and `kidOverrideHeaderName` for a KID
 *   override) must be set to the names in your KeyOS onboarding material.
 * - generic: one header you name (`headerName`, required), carrying the credential's `key` as is.
 */
import { KeyplaneError } from "../errors";

export type VendorPreset = "ezdrm" | "keyos" | "axinom" | "generic";
export const VENDOR_PRESETS: readonly VendorPreset[] = ["ezdrm", "keyos", "axinom", "generic"];

/** The secret the proxy reads at run time (Secrets Manager JSON, or a bare string = `{ key }`). */
export interface VendorCredential {
  /** KeyOS user key, the generic header's value, or EZDRM's key in the (unverified) header variant. */
  key?: string;
  /** Axinom tenant id. */
  tenantId?: string;
  /** Axinom Key Service management key. */
  managementKey?: string;
  /** EZDRM account username or email (query parameter `u`). */
  username?: string;
  /** EZDRM account password (query parameter `p`). */
  password?: string;
}

export interface VendorHeaderConfig {
  preset: VendorPreset;
  /** Header carrying the credential: required for `keyos` and `generic`; for `ezdrm` it switches to the header variant. */
  headerName?: string;
  /** KeyOS only: header (required with a value; no public default) asking the vendor to override KIDs. */
  kidOverrideHeaderName?: string;
  kidOverrideValue?: string;
}

/** What each preset does, with whether a public source confirms it (see the sources above). */
export interface VendorPresetInfo {
  /** Documented endpoint pattern (informational; `vendorUrl` is always given explicitly). */
  defaultUrl?: string;
  transport: "header" | "query";
  verified: boolean;
  source: string;
}
export const VENDOR_PRESET_INFO: Record<VendorPreset, VendorPresetInfo> = {
  axinom: {
    defaultUrl: "https://key-server-management.axprod.net/api/SpekeV2",
    transport: "header",
    verified: true,
    source: "https://docs.axinom.com/services/drm/key-service/speke",
  },
  ezdrm: {
    defaultUrl: "https://cpix.ezdrm.com/KeyGenerator/cpix.aspx",
    transport: "query",
    verified: true,
    source: "https://docs.unified-streaming.com/documentation/drm/ezdrm.html",
  },
  keyos: {
    transport: "header",
    verified: false,
    source: "https://go.buydrm.com/thedrmblog/deploying-keyos-with-aws-elemental-media-services",
  },
  generic: { transport: "header", verified: false, source: "(none: you name the header)" },
};

/** Header defaults with a public source. `undefined` = the preset has no verified header: `headerName` is required. */
export const PRESET_DEFAULT_HEADERS: Record<VendorPreset, string | undefined> = {
  ezdrm: undefined,
  keyos: undefined,
  axinom: "Authorization",
  generic: undefined,
};
/** EZDRM's documented query parameters: `u` = account username or email, `p` = account password. */
export const EZDRM_QUERY_PARAMS = { username: "u", password: "p" } as const;

export type CredentialTransport = { kind: "header"; name: string } | { kind: "query"; names: readonly string[] };

const HEADER_NAME_RE = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;
/** Headers a credential may never be written to: they would break the exchange or SigV4, or spoof hop headers. */
const RESERVED = new Set([
  "host",
  "content-length",
  "content-type",
  "transfer-encoding",
  "connection",
  "x-speke-version",
  "x-amz-date",
  "x-amz-security-token",
  "x-amz-content-sha256",
]);

function configError(message: string): KeyplaneError {
  return new KeyplaneError("VENDOR_CONFIG_INVALID", message, { status: 500 });
}

export function assertHeaderName(name: string, what = "headerName"): string {
  if (!HEADER_NAME_RE.test(name)) throw configError(`${what} "${name}" is not a valid HTTP header name`);
  if (RESERVED.has(name.toLowerCase())) throw configError(`${what} "${name}" is reserved`);
  return name;
}

/** How the preset carries the credential (after any override); validates the preset and names. */
export function credentialTransport(cfg: VendorHeaderConfig): CredentialTransport {
  if (!VENDOR_PRESETS.includes(cfg.preset)) throw configError(`unknown vendor preset "${String(cfg.preset)}"`);
  if (cfg.kidOverrideValue !== undefined) {
    if (cfg.preset !== "keyos")
      throw configError(
        `kidOverrideValue is only used by the keyos preset (Axinom: add ?overrideKeyIds=true to the vendor URL)`,
      );
    if (!cfg.kidOverrideHeaderName)
      throw configError(
        "the keyos preset needs kidOverrideHeaderName with kidOverrideValue: BuyDRM publishes no KID override header name (unverified), use the one from your KeyOS onboarding",
      );
    assertHeaderName(cfg.kidOverrideHeaderName, "kidOverrideHeaderName");
  }
  if (cfg.preset === "ezdrm" && !cfg.headerName)
    return { kind: "query", names: [EZDRM_QUERY_PARAMS.username, EZDRM_QUERY_PARAMS.password] };
  const name = cfg.headerName ?? PRESET_DEFAULT_HEADERS[cfg.preset];
  if (!name) {
    if (cfg.preset === "keyos")
      throw configError(
        "the keyos preset needs a headerName: BuyDRM publishes no KeyOS SPEKE user key header name (unverified), use the one from your KeyOS onboarding",
      );
    throw configError(`the ${cfg.preset} preset needs a headerName`);
  }
  return { kind: "header", name: assertHeaderName(name) };
}

/** The credential header name, or `undefined` when the preset sends the credential as query parameters (EZDRM). */
export function credentialHeaderName(cfg: VendorHeaderConfig): string | undefined {
  const t = credentialTransport(cfg);
  return t.kind === "header" ? t.name : undefined;
}

/** Refuses a vendor URL that already carries the preset's credential parameters: they belong in the secret. */
export function assertNoCredentialInUrl(url: URL, cfg: VendorHeaderConfig): void {
  const t = credentialTransport(cfg);
  if (t.kind !== "query") return;
  for (const n of t.names) {
    if (url.searchParams.has(n))
      throw configError(`vendorUrl must not carry the "${n}" credential parameter; put it in the vendor secret`);
  }
}

/** Parses the stored secret: JSON object with the fields above, or a bare string (the key). */
export function parseVendorCredential(secret: string): VendorCredential {
  const t = secret.trim();
  if (t.startsWith("{")) {
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      throw new KeyplaneError("VENDOR_CREDENTIAL_INVALID", "the vendor credential secret is not valid JSON", {
        status: 500,
        expose: false,
      });
    }
    const o = v as Record<string, unknown>;
    const out: VendorCredential = {};
    for (const k of ["key", "tenantId", "managementKey", "username", "password"] as const) {
      if (o[k] !== undefined) {
        if (typeof o[k] !== "string")
          throw new KeyplaneError("VENDOR_CREDENTIAL_INVALID", `the vendor credential field ${k} must be a string`, {
            status: 500,
            expose: false,
          });
        out[k] = o[k];
      }
    }
    return out;
  }
  if (!t)
    throw new KeyplaneError("VENDOR_CREDENTIAL_INVALID", "the vendor credential secret is empty", {
      status: 500,
      expose: false,
    });
  return { key: t };
}

/** What to add to each upstream request: headers and query parameters. Never logs or echoes the values. */
export interface VendorRequestParams {
  headers: Record<string, string>;
  query: Record<string, string>;
}

export function vendorRequestParams(cfg: VendorHeaderConfig, cred: VendorCredential): VendorRequestParams {
  const transport = credentialTransport(cfg);
  const missing = (f: string) =>
    new KeyplaneError("VENDOR_CREDENTIAL_INVALID", `the ${cfg.preset} credential needs "${f}"`, {
      status: 500,
      expose: false,
    });
  const noCtl = (v: string, f: string) => {
    if (/[\r\n\0]/.test(v))
      throw new KeyplaneError("VENDOR_CREDENTIAL_INVALID", `the credential field ${f} contains control characters`, {
        status: 500,
        expose: false,
      });
    return v;
  };
  const out: VendorRequestParams = { headers: {}, query: {} };
  if (transport.kind === "query") {
    // ezdrm: `u` / `p` as EZDRM documents them.
    if (!cred.username) throw missing("username");
    if (!cred.password) throw missing("password");
    out.query[EZDRM_QUERY_PARAMS.username] = noCtl(cred.username, "username");
    out.query[EZDRM_QUERY_PARAMS.password] = noCtl(cred.password, "password");
  } else if (cfg.preset === "axinom") {
    if (!cred.tenantId) throw missing("tenantId");
    if (!cred.managementKey) throw missing("managementKey");
    if (cred.tenantId.includes(":"))
      throw new KeyplaneError("VENDOR_CREDENTIAL_INVALID", "the Axinom tenantId cannot contain ':'", {
        status: 500,
        expose: false,
      });
    out.headers[transport.name] =
      `Basic ${Buffer.from(`${noCtl(cred.tenantId, "tenantId")}:${noCtl(cred.managementKey, "managementKey")}`, "utf8").toString("base64")}`;
  } else {
    if (!cred.key) throw missing("key");
    out.headers[transport.name] = noCtl(cred.key, "key");
  }
  if (cfg.preset === "keyos" && cfg.kidOverrideValue !== undefined && cfg.kidOverrideHeaderName) {
    out.headers[cfg.kidOverrideHeaderName] = noCtl(cfg.kidOverrideValue, "kidOverrideValue");
  }
  return out;
}

/** Headers only (presets that send query parameters get them from `vendorRequestParams`). */
export function vendorHeaders(cfg: VendorHeaderConfig, cred: VendorCredential): Record<string, string> {
  return vendorRequestParams(cfg, cred).headers;
}
