/**
 * Custom license and key acquisition URL templates: the checks AMS applies to them, the templates that point AMS
 * players at Keyplane's own key delivery and license proxy, and a spec with those templates filled in.
 */
import {
  specError,
  type ClearKeyStreamingConfig,
  type CencSpec,
  type CbcsSpec,
  type LicenseUrlConfig,
  type StreamingPolicySpec,
} from "./render-streaming-spec";

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
  // PlayReady, Widevine and ClearKey as both common encryption schemes carry them; FairPlay only under cbcs.
  const common = <S extends CencSpec | CbcsSpec>(s: S): S => {
    const c = { ...s };
    if (c.playReady !== undefined) c.playReady = lic(c.playReady, t.playReady)!;
    if (c.widevine !== undefined) c.widevine = lic(c.widevine, t.widevine)!;
    if (c.clearKey !== undefined) c.clearKey = ck(c.clearKey)!;
    return c;
  };
  if (spec.cenc) out.cenc = common(spec.cenc);
  if (spec.cbcs) {
    const c = common(spec.cbcs);
    if (c.fairPlay !== undefined) c.fairPlay = lic(c.fairPlay, t.fairPlay)!;
    out.cbcs = c;
  }
  if (spec.envelope)
    out.envelope = {
      ...spec.envelope,
      customKeyAcquisitionUrlTemplate: spec.envelope.customKeyAcquisitionUrlTemplate ?? t.envelopeKey,
    };
  return out;
}
