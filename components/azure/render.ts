/**
 * Pure rendering, no Pulumi runtime: the shared policy model -> `azure-native.media` argument shapes (discriminator
 * `odataType`), streaming policy specs -> StreamingPolicy arguments with the checks AMS applies, and the content keys
 * of a locator from the key seed. Components call these; tests and the migration call them directly.
 */
import { KeyplaneError } from "../../functions/errors";
import { parseContentKeyPolicy, type ContentKeyPolicy, type ContentKeyPolicyInput } from "../../functions/policy";
import { contentKeyPolicyToArm, ODATA_KEY, type ArmObject } from "../../functions/policy/ams";
import { kidFromUuid, kidToUuid } from "../../functions/keys/kid";
import type { KeySeed } from "../../functions/keys/seed";
import { createHash } from "node:crypto";

// ---------------------------------------------------------------- content key policy

/** One option in azure-native input form (`odataType` discriminators). */
export interface AmsContentKeyPolicyOptionArgs {
  name: string;
  configuration: ArmObject & { odataType: string };
  restriction: ArmObject & { odataType: string };
}

/** Renames the REST discriminator `@odata.type` to Pulumi's `odataType`, recursively. */
export function toPulumiShape<T>(v: T): T {
  if (Array.isArray(v)) return v.map(toPulumiShape) as T;
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [k === ODATA_KEY ? "odataType" : k, toPulumiShape(x)]),
    ) as T;
  }
  return v;
}

/** Validates the policy (same schema the key delivery enforces) and renders `ContentKeyPolicy` args. */
export function renderContentKeyPolicy(input: ContentKeyPolicyInput | ContentKeyPolicy): {
  policy: ContentKeyPolicy;
  description?: string;
  options: AmsContentKeyPolicyOptionArgs[];
} {
  const policy = parseContentKeyPolicy(input);
  const arm = contentKeyPolicyToArm(policy);
  return {
    policy,
    ...(arm.description !== undefined ? { description: arm.description } : {}),
    options: toPulumiShape(arm.options) as AmsContentKeyPolicyOptionArgs[],
  };
}

/** Where secrets sit in rendered options: FairPlay ASK/PFX/password and symmetric token keys. */
export function policyHasSecrets(policy: ContentKeyPolicy): boolean {
  return policy.options.some(
    (o) =>
      o.configuration.type === "FairPlay" ||
      (o.restriction.type === "Token" &&
        [o.restriction.primaryVerificationKey, ...o.restriction.alternateVerificationKeys].some(
          (k) => k?.type === "Symmetric",
        )),
  );
}

/**
 * Replaces each secret leaf of rendered options with `wrap(value)` (the component passes `pulumi.secret`), so the
 * rest of the policy stays readable in previews while the secrets stay encrypted in state.
 */
export function wrapSecrets<W>(options: AmsContentKeyPolicyOptionArgs[], wrap: (v: string) => W): unknown[] {
  return options.map((o) => {
    const c: ArmObject = { ...o.configuration };
    if (c.odataType === "#Microsoft.Media.ContentKeyPolicyFairPlayConfiguration") {
      for (const k of ["ask", "fairPlayPfx", "fairPlayPfxPassword"])
        if (typeof c[k] === "string") c[k] = wrap(c[k] as string);
    }
    const r: ArmObject = { ...o.restriction };
    const wrapKey = (k: unknown): unknown => {
      const key = k as ArmObject;
      return key &&
        key.odataType === "#Microsoft.Media.ContentKeyPolicySymmetricTokenKey" &&
        typeof key.keyValue === "string"
        ? { ...key, keyValue: wrap(key.keyValue) }
        : key;
    };
    if (r.primaryVerificationKey) r.primaryVerificationKey = wrapKey(r.primaryVerificationKey);
    if (Array.isArray(r.alternateVerificationKeys))
      r.alternateVerificationKeys = r.alternateVerificationKeys.map(wrapKey);
    return { name: o.name, configuration: c, restriction: r };
  });
}

// ---------------------------------------------------------------- streaming policy

export type StreamingProtocol = "Dash" | "Hls" | "SmoothStreaming" | "Download";

/** A DRM entry; `true` means "AMS-issued licenses" (no custom URL). */
export interface LicenseUrlConfig {
  /** Custom license server URL template; may use {ContentKeyId} and {AlternativeMediaId}. */
  customLicenseAcquisitionUrlTemplate?: string;
}
export interface PlayReadyStreamingConfig extends LicenseUrlConfig {
  playReadyCustomAttributes?: string;
}
export interface FairPlayStreamingConfig extends LicenseUrlConfig {
  allowPersistentLicense?: boolean;
}
export interface ClearKeyStreamingConfig {
  /** Only {AlternativeMediaId} is substituted by AMS here. */
  customKeysAcquisitionUrlTemplate?: string;
}
export interface SchemeCommon {
  protocols: StreamingProtocol[];
  /** Content key label referenced by locators (`labelReferenceInStreamingPolicy`). Defaults as AMS's predefined policies. */
  label?: string;
  /** Content key policy for this scheme's default key. */
  contentKeyPolicyName?: string;
  /** Tracks left unencrypted (ARM `clearTracks`), e.g. `[{ trackSelections: [{ property: "FourCC", operation: "Equal", value: "hev1" }] }]`. */
  clearTracks?: Array<{
    trackSelections: Array<{ property: "Unknown" | "FourCC"; operation: "Unknown" | "Equal"; value?: string }>;
  }>;
}
export interface CencSpec extends SchemeCommon {
  playReady?: PlayReadyStreamingConfig | true;
  widevine?: LicenseUrlConfig | true;
  clearKey?: ClearKeyStreamingConfig;
}
export interface CbcsSpec extends SchemeCommon {
  fairPlay?: FairPlayStreamingConfig | true;
  playReady?: PlayReadyStreamingConfig | true;
  widevine?: LicenseUrlConfig | true;
  clearKey?: ClearKeyStreamingConfig;
}
export interface EnvelopeSpec extends SchemeCommon {
  /** AES-128 key URL template; may use {ContentKeyId} and {AlternativeMediaId}. */
  customKeyAcquisitionUrlTemplate?: string;
}
export interface StreamingPolicySpec {
  /** Streaming policy name. */
  name: string;
  defaultContentKeyPolicyName?: string;
  /** CommonEncryptionCenc: PlayReady / Widevine on DASH, Smooth (and HLS-CMAF). */
  cenc?: CencSpec;
  /** CommonEncryptionCbcs: FairPlay on HLS, optionally PlayReady / Widevine. */
  cbcs?: CbcsSpec;
  /** EnvelopeEncryption: AES-128 clear key. */
  envelope?: EnvelopeSpec;
  /** NoEncryption: clear streaming and/or download. */
  clear?: { protocols: StreamingProtocol[] };
}

/** Labels AMS uses in its predefined streaming policies; locators reference them. */
export const DEFAULT_KEY_LABELS = {
  cenc: "cencDefaultKey",
  cbcs: "cbcsDefaultKey",
  envelope: "aesDefaultKey",
} as const;
export type EncryptedScheme = keyof typeof DEFAULT_KEY_LABELS;

function specError(message: string): KeyplaneError {
  return new KeyplaneError("AMS_STREAMING_POLICY_INVALID", `Invalid streaming policy: ${message}`, { status: 400 });
}

const TEMPLATE_TOKENS = new Set(["{ContentKeyId}", "{AlternativeMediaId}", "{AssetAlternativeId}"]);

/**
 * Checks a custom acquisition URL template: absolute https (http only for localhost), only the replaceable tokens AMS
 * substitutes, balanced braces. `allowed` narrows the token set (ClearKey: {AlternativeMediaId} only).
 */
export function validateUrlTemplate(
  template: string,
  where: string,
  allowed: ReadonlySet<string> = TEMPLATE_TOKENS,
): void {
  if (typeof template !== "string" || template.length === 0 || template.length > 2048)
    throw specError(`${where}: expected a URL template of 1..2048 characters`);
  const probe = template.replace(/\{[A-Za-z]+\}/g, "x");
  if (/[{}]/.test(probe)) throw specError(`${where}: unbalanced or malformed {token} in "${template}"`);
  for (const t of template.match(/\{[A-Za-z]+\}/g) ?? []) {
    if (!allowed.has(t))
      throw specError(`${where}: unsupported token ${t}; AMS replaces only ${[...allowed].join(", ")}`);
  }
  let url: URL;
  try {
    url = new URL(probe);
  } catch {
    throw specError(`${where}: "${template}" is not an absolute URL`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && /^(localhost|127\.0\.0\.1)$/.test(url.hostname))) {
    throw specError(`${where}: license and key URLs must use https`);
  }
}

function enabledProtocols(protocols: StreamingProtocol[], where: string, allowed: StreamingProtocol[]) {
  if (!Array.isArray(protocols) || protocols.length === 0) throw specError(`${where}: enable at least one protocol`);
  for (const p of protocols) {
    if (!allowed.includes(p)) {
      throw specError(
        p === "Download"
          ? `${where}: Download is only possible without encryption (use 'clear')`
          : `${where}: protocol ${p} is not supported here (allowed: ${allowed.join(", ")})`,
      );
    }
  }
  return {
    dash: protocols.includes("Dash"),
    download: protocols.includes("Download"),
    hls: protocols.includes("Hls"),
    smoothStreaming: protocols.includes("SmoothStreaming"),
  };
}

function licenseConfig<T extends LicenseUrlConfig>(c: T | true | undefined, where: string): ArmObject | undefined {
  if (c === undefined) return undefined;
  if (c === true) return {};
  const out: ArmObject = {};
  if (c.customLicenseAcquisitionUrlTemplate !== undefined) {
    validateUrlTemplate(c.customLicenseAcquisitionUrlTemplate, `${where}.customLicenseAcquisitionUrlTemplate`);
    out.customLicenseAcquisitionUrlTemplate = c.customLicenseAcquisitionUrlTemplate;
  }
  for (const [k, v] of Object.entries(c))
    if (k !== "customLicenseAcquisitionUrlTemplate" && v !== undefined) out[k] = v;
  return out;
}

function clearTracks(s: SchemeCommon): ArmObject {
  return s.clearTracks?.length ? { clearTracks: s.clearTracks } : {};
}

function contentKeys(s: SchemeCommon, scheme: EncryptedScheme): ArmObject {
  return {
    defaultKey: {
      label: s.label ?? DEFAULT_KEY_LABELS[scheme],
      ...(s.contentKeyPolicyName ? { policyName: s.contentKeyPolicyName } : {}),
    },
  };
}

function clearKeyConfig(c: ClearKeyStreamingConfig | undefined, where: string): ArmObject | undefined {
  if (!c) return undefined;
  if (c.customKeysAcquisitionUrlTemplate !== undefined)
    validateUrlTemplate(
      c.customKeysAcquisitionUrlTemplate,
      `${where}.customKeysAcquisitionUrlTemplate`,
      new Set(["{AlternativeMediaId}"]),
    );
  return c.customKeysAcquisitionUrlTemplate !== undefined
    ? { customKeysAcquisitionUrlTemplate: c.customKeysAcquisitionUrlTemplate }
    : {};
}

/** The StreamingPolicy arguments (minus account and resource group), after AMS's rules are checked. */
export interface StreamingPolicyArgsShape {
  streamingPolicyName: string;
  defaultContentKeyPolicyName?: string;
  commonEncryptionCenc?: ArmObject;
  commonEncryptionCbcs?: ArmObject;
  envelopeEncryption?: ArmObject;
  noEncryption?: ArmObject;
}

/**
 * One common encryption block (cenc or cbcs): clear tracks, protocols, default key, DRM licence settings (FairPlay only
 * under cbcs, the caller refuses it under cenc) and the ClearKey configuration.
 */
function commonEncryption(scheme: "cenc" | "cbcs", s: CencSpec | CbcsSpec, enabledProtocols: ArmObject): ArmObject {
  const drm: ArmObject = {};
  const fp = scheme === "cbcs" ? licenseConfig((s as CbcsSpec).fairPlay, "cbcs.fairPlay") : undefined;
  if (fp) drm.fairPlay = { allowPersistentLicense: false, ...fp };
  const pr = licenseConfig(s.playReady, `${scheme}.playReady`);
  const wv = licenseConfig(s.widevine, `${scheme}.widevine`);
  if (pr) drm.playReady = pr;
  if (wv) drm.widevine = wv;
  const ck = clearKeyConfig(s.clearKey, `${scheme}.clearKey`);
  return {
    ...clearTracks(s),
    enabledProtocols,
    contentKeys: contentKeys(s, scheme),
    ...(Object.keys(drm).length ? { drm } : {}),
    ...(ck ? { clearKeyEncryptionConfiguration: ck } : {}),
  };
}

/**
 * Validates and renders a streaming policy. Refused (what AMS or the players refuse): no scheme; clear mixed with
 * encryption; Download with encryption; a scheme with no protocol or no DRM; FairPlay outside CBCS or without HLS;
 * Smooth Streaming in CBCS or without PlayReady; bad URL templates; duplicate labels.
 */
export function renderStreamingPolicy(spec: StreamingPolicySpec): StreamingPolicyArgsShape {
  if (!spec || typeof spec.name !== "string" || !/^[A-Za-z0-9_-]{1,260}$/.test(spec.name))
    throw specError("name must be 1..260 letters, digits, - or _");
  const { cenc, cbcs, envelope, clear } = spec;
  if (!cenc && !cbcs && !envelope && !clear) throw specError("choose at least one of cenc, cbcs, envelope, clear");
  if (clear && (cenc || cbcs || envelope))
    throw specError("'clear' (NoEncryption) cannot be combined with an encryption scheme in one streaming policy");
  const out: StreamingPolicyArgsShape = { streamingPolicyName: spec.name };
  if (spec.defaultContentKeyPolicyName) out.defaultContentKeyPolicyName = spec.defaultContentKeyPolicyName;

  if (clear)
    out.noEncryption = {
      enabledProtocols: enabledProtocols(clear.protocols, "clear", ["Dash", "Hls", "SmoothStreaming", "Download"]),
    };

  if (cenc) {
    if ((cenc as CbcsSpec).fairPlay)
      throw specError("FairPlay uses cbcs (SAMPLE-AES on HLS); it cannot be configured under cenc");
    if (!cenc.playReady && !cenc.widevine && !cenc.clearKey)
      throw specError("cenc needs playReady, widevine or clearKey");
    const ep = enabledProtocols(cenc.protocols, "cenc", ["Dash", "Hls", "SmoothStreaming"]);
    if (ep.smoothStreaming && !cenc.playReady)
      throw specError("cenc: Smooth Streaming carries PlayReady only; add playReady or drop SmoothStreaming");
    out.commonEncryptionCenc = commonEncryption("cenc", cenc, ep);
  }

  if (cbcs) {
    if (!cbcs.fairPlay && !cbcs.playReady && !cbcs.widevine && !cbcs.clearKey)
      throw specError("cbcs needs fairPlay, playReady, widevine or clearKey");
    const ep = enabledProtocols(cbcs.protocols, "cbcs", ["Dash", "Hls"]);
    if (cbcs.fairPlay && !ep.hls) throw specError("cbcs: FairPlay is delivered over HLS; enable Hls");
    out.commonEncryptionCbcs = commonEncryption("cbcs", cbcs, ep);
  }

  if (envelope) {
    const ep = enabledProtocols(envelope.protocols, "envelope", ["Dash", "Hls", "SmoothStreaming"]);
    if (envelope.customKeyAcquisitionUrlTemplate !== undefined)
      validateUrlTemplate(envelope.customKeyAcquisitionUrlTemplate, "envelope.customKeyAcquisitionUrlTemplate");
    out.envelopeEncryption = {
      ...clearTracks(envelope),
      enabledProtocols: ep,
      contentKeys: contentKeys(envelope, "envelope"),
      ...(envelope.customKeyAcquisitionUrlTemplate !== undefined
        ? { customKeyAcquisitionUrlTemplate: envelope.customKeyAcquisitionUrlTemplate }
        : {}),
    };
  }

  const labels = streamingPolicyLabels(spec).map((l) => l.label);
  const dup = labels.find((l, i) => labels.indexOf(l) !== i);
  if (dup) throw specError(`content key label "${dup}" is used by two schemes`);
  return out;
}

/** The default-key label of each encrypted scheme in a spec (what locators must reference). */
export function streamingPolicyLabels(spec: StreamingPolicySpec): Array<{ scheme: EncryptedScheme; label: string }> {
  return (["cenc", "cbcs", "envelope"] as const)
    .filter((s) => spec[s])
    .map((s) => ({ scheme: s, label: spec[s]!.label ?? DEFAULT_KEY_LABELS[s] }));
}

/**
 * URL templates that point AMS players at Keyplane's own key delivery and license proxy (functions/delivery,
 * functions/license): HLS AES-128 keys by KID, the W3C ClearKey endpoint, and `/license/{vendor}` with the KID.
 */
export function keyplaneUrlTemplates(baseUrl: string) {
  const base = baseUrl.replace(/\/+$/, "");
  const t = {
    envelopeKey: `${base}/hls/key/{ContentKeyId}`,
    clearKey: `${base}/clearkey`,
    playReady: `${base}/license/playready?kid={ContentKeyId}`,
    widevine: `${base}/license/widevine?kid={ContentKeyId}`,
    fairPlay: `${base}/license/fairplay?kid={ContentKeyId}`,
  };
  for (const [k, v] of Object.entries(t)) validateUrlTemplate(v, `keyplaneUrlTemplates.${k}`);
  return t;
}

// ---------------------------------------------------------------- locator keys

export interface LocatorKeySpec {
  /** `labelReferenceInStreamingPolicy`. */
  label: string;
  /** KID as a UUID; default: derived from the asset name and label (stable, public, not secret). */
  kid?: string;
}

/**
 * A stable KID for (asset, label) when none is given: the first 16 bytes of SHA-256("keyplane-ams-kid\0" asset "\0" label),
 * with the RFC 4122 variant and version-8 bits set. KIDs are public identifiers; the key comes from the seed.
 */
export function defaultLocatorKid(assetName: string, label: string): string {
  const h = createHash("sha256").update(`keyplane-ams-kid\0${assetName}\0${label}`).digest().subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  return kidToUuid(h);
}

/** Resolves the KIDs of a locator (explicit or default), refusing duplicates. Public data only. */
export function resolveLocatorKids(assetName: string, keys: LocatorKeySpec[]): Array<{ label: string; kid: string }> {
  if (!Array.isArray(keys) || keys.length === 0)
    throw new KeyplaneError("AMS_LOCATOR_INVALID", "a protected locator needs at least one content key", {
      status: 400,
    });
  const out = keys.map((k) => ({
    label: k.label,
    kid: k.kid ? kidToUuid(kidFromUuid(k.kid)) : defaultLocatorKid(assetName, k.label),
  }));
  const labels = new Set<string>();
  const kids = new Set<string>();
  for (const k of out) {
    if (labels.has(k.label))
      throw new KeyplaneError("AMS_LOCATOR_INVALID", `content key label "${k.label}" appears twice`, { status: 400 });
    if (kids.has(k.kid)) throw new KeyplaneError("AMS_LOCATOR_INVALID", `KID ${k.kid} appears twice`, { status: 400 });
    labels.add(k.label);
    kids.add(k.kid);
  }
  return out;
}

/** `StreamingLocatorContentKey` entries: id = KID, value = base64 of `seed.contentKey(kid)` (same as the SPEKE server). */
export function locatorContentKeys(
  seed: KeySeed,
  kids: Array<{ label: string; kid: string }>,
): Array<{ id: string; labelReferenceInStreamingPolicy: string; value: string }> {
  return kids.map((k) => ({
    id: k.kid,
    labelReferenceInStreamingPolicy: k.label,
    value: seed.contentKey(kidFromUuid(k.kid)).toString("base64"),
  }));
}

/**
 * The spec with Keyplane's URL templates (`keyplaneUrlTemplates(baseUrl)`) filled in wherever AMS would otherwise
 * issue the licence or key itself: PlayReady, Widevine and FairPlay entries given as `true`, ClearKey without a
 * template, envelope without a key URL. Templates the spec sets are kept. This is how an AMS-shaped streaming policy
 * is delivered by an AzureKeyDelivery (or any Keyplane key delivery) under the same content key policies.
 */
export function withKeyplaneUrls(spec: StreamingPolicySpec, baseUrl: string): StreamingPolicySpec {
  const t = keyplaneUrlTemplates(baseUrl);
  const lic = <T extends LicenseUrlConfig>(v: T | true | undefined, url: string): T | undefined =>
    v === undefined
      ? undefined
      : v === true
        ? ({ customLicenseAcquisitionUrlTemplate: url } as T)
        : { ...v, customLicenseAcquisitionUrlTemplate: v.customLicenseAcquisitionUrlTemplate ?? url };
  const ck = (v: ClearKeyStreamingConfig | undefined): ClearKeyStreamingConfig | undefined =>
    v === undefined
      ? undefined
      : { customKeysAcquisitionUrlTemplate: v.customKeysAcquisitionUrlTemplate ?? t.clearKey };
  const out: StreamingPolicySpec = { ...spec };
  if (spec.cenc) {
    const c = { ...spec.cenc };
    if (c.playReady !== undefined) c.playReady = lic(c.playReady, t.playReady)!;
    if (c.widevine !== undefined) c.widevine = lic(c.widevine, t.widevine)!;
    if (c.clearKey !== undefined) c.clearKey = ck(c.clearKey)!;
    out.cenc = c;
  }
  if (spec.cbcs) {
    const c = { ...spec.cbcs };
    if (c.fairPlay !== undefined) c.fairPlay = lic(c.fairPlay, t.fairPlay)!;
    if (c.playReady !== undefined) c.playReady = lic(c.playReady, t.playReady)!;
    if (c.widevine !== undefined) c.widevine = lic(c.widevine, t.widevine)!;
    if (c.clearKey !== undefined) c.clearKey = ck(c.clearKey)!;
    out.cbcs = c;
  }
  if (spec.envelope)
    out.envelope = {
      ...spec.envelope,
      customKeyAcquisitionUrlTemplate: spec.envelope.customKeyAcquisitionUrlTemplate ?? t.envelopeKey,
    };
  return out;
}
