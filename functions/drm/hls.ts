/**
 * HLS key signalling lines (RFC 8216 sections 4.3.2.4 EXT-X-KEY and 4.3.4.5 EXT-X-SESSION-KEY) and the key URI
 * template used to point players at Keyplane's key delivery.
 * Attribute values that are quoted-strings (URI, KEYFORMAT, KEYFORMATVERSIONS) must not contain `"`, CR or LF;
 * we refuse them (and other control characters) instead of escaping, as RFC 8216 has no escape syntax.
 */
import { KeyplaneError } from "../errors";
import { assertKid, kidToBase64url, kidToUuid } from "../keys/kid";

/** base64 of bytes, read in place (no copy). */
function base64Of(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("base64");
}

export type HlsKeyMethod = "AES-128" | "SAMPLE-AES" | "SAMPLE-AES-CTR";

export interface HlsKeyAttributes {
  method: HlsKeyMethod;
  uri: string;
  keyformat?: string;
  keyformatversions?: string;
  /** 16 bytes; written as IV=0x<32 hex>. */
  iv?: Buffer;
}

export const HLS_KEYFORMATS = {
  identity: "identity",
  fairplay: "com.apple.streamingkeydelivery",
  playready: "com.microsoft.playready",
  widevine: "urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed",
} as const;

function invalid(reason: string): KeyplaneError {
  return new KeyplaneError("HLS_ATTRIBUTE_INVALID", `Invalid HLS key attribute: ${reason}`, { status: 400 });
}

function quoted(name: string, v: string): string {
  if (typeof v !== "string" || v.length === 0) throw invalid(`${name} must be a non-empty string`);
  if (/["\r\n\u0000-\u001f\u007f]/.test(v))
    throw invalid(`${name} must not contain double quotes, line breaks or control characters`);
  return `${name}="${v}"`;
}

/**
 * The validated attribute list shared by `#EXT-X-KEY` and `#EXT-X-SESSION-KEY` (`METHOD=...,URI="...",...`): built
 * once when a caller writes both lines.
 */
export function hlsKeyAttributeList(a: HlsKeyAttributes): string {
  if (a.method !== "AES-128" && a.method !== "SAMPLE-AES" && a.method !== "SAMPLE-AES-CTR")
    throw invalid(`unknown METHOD ${String(a.method)}`);
  const parts = [`METHOD=${a.method}`, quoted("URI", a.uri)];
  if (a.iv !== undefined) {
    if (!(a.iv instanceof Uint8Array) || a.iv.length !== 16) throw invalid("IV must be 16 bytes");
    parts.push(`IV=0x${Buffer.from(a.iv).toString("hex").toUpperCase()}`);
  }
  if (a.keyformat !== undefined) parts.push(quoted("KEYFORMAT", a.keyformat));
  if (a.keyformatversions !== undefined) {
    if (!/^[0-9]+(\/[0-9]+)*$/.test(a.keyformatversions))
      throw invalid("KEYFORMATVERSIONS must be integers separated by '/'");
    parts.push(quoted("KEYFORMATVERSIONS", a.keyformatversions));
  }
  return parts.join(",");
}

/** `#EXT-X-KEY:METHOD=...,URI="...",[IV=0x...,]KEYFORMAT="...",KEYFORMATVERSIONS="..."` (no trailing newline). */
export function extXKey(a: HlsKeyAttributes): string {
  return `#EXT-X-KEY:${hlsKeyAttributeList(a)}`;
}

/** The same attributes under `#EXT-X-SESSION-KEY` (for the multivariant/master playlist). */
export function extXSessionKey(a: HlsKeyAttributes): string {
  return `#EXT-X-SESSION-KEY:${hlsKeyAttributeList(a)}`;
}

export interface TemplateVars {
  kid: Buffer;
  contentId?: string;
  baseUrl?: string;
}

export const TEMPLATE_PLACEHOLDERS = ["kid", "kid_hex", "kid_b64url", "content_id", "base_url"] as const;

/**
 * Expands `{kid}` (lowercase UUID), `{kid_hex}` (32 lowercase hex), `{kid_b64url}` (22 chars), `{content_id}`
 * (percent-encoded with encodeURIComponent), `{base_url}` (trailing slashes removed). An unknown placeholder, a
 * placeholder whose value is missing, or a stray brace throws `TEMPLATE_INVALID`.
 */
export function expandTemplate(template: string, vars: TemplateVars): string {
  const parts = parsedTemplate(template);
  const kid = assertKid(vars.kid);
  let out = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) out += placeholderValue(parts[i]!, kid, vars) + parts[i + 1]!;
  return out;
}

/**
 * A template split into [literal, placeholder name, literal, ...], kept per template text (a deployment has one or
 * two): the brace check runs once, the placeholders are looked up per KID. Bounded; cleared when full.
 */
const TEMPLATE_CACHE_MAX = 64;
const templateParts = new Map<string, readonly string[]>();
function parsedTemplate(template: string): readonly string[] {
  if (typeof template !== "string")
    throw new KeyplaneError("TEMPLATE_INVALID", "The key URI template must be a string", { status: 400 });
  const cached = templateParts.get(template);
  if (cached) return cached;
  if (/[{}]/.test(template.replace(/\{([^{}]*)\}/g, ""))) {
    throw new KeyplaneError("TEMPLATE_INVALID", "Unbalanced brace in the key URI template", { status: 400 });
  }
  const parts: string[] = [];
  const re = /\{([^{}]*)\}/g;
  let last = 0;
  for (let m = re.exec(template); m !== null; m = re.exec(template)) {
    parts.push(template.slice(last, m.index), m[1]!);
    last = m.index + m[0].length;
  }
  parts.push(template.slice(last));
  if (templateParts.size >= TEMPLATE_CACHE_MAX) templateParts.clear();
  templateParts.set(template, parts);
  return parts;
}

function placeholderValue(name: string, kid: Buffer, vars: TemplateVars): string {
  switch (name) {
    case "kid":
      return kidToUuid(kid);
    case "kid_hex":
      return kid.toString("hex");
    case "kid_b64url":
      return kidToBase64url(kid);
    case "content_id":
      if (vars.contentId === undefined)
        throw new KeyplaneError("TEMPLATE_INVALID", "The template uses {content_id} but no content id is known", {
          status: 400,
        });
      try {
        return encodeURIComponent(vars.contentId);
      } catch {
        throw new KeyplaneError("TEMPLATE_INVALID", "The content id is not valid Unicode text", { status: 400 });
      }
    case "base_url":
      if (vars.baseUrl === undefined)
        throw new KeyplaneError("TEMPLATE_INVALID", "The template uses {base_url} but no base URL is configured", {
          status: 400,
        });
      return vars.baseUrl.replace(/\/+$/, "");
    default:
      throw new KeyplaneError(
        "TEMPLATE_INVALID",
        `Unknown placeholder {${name}} in the key URI template; known: ${TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`,
        { status: 400 },
      );
  }
}

/** `data:` URI carrying base64 bytes, as used for Widevine (PSSH box) and PlayReady (PRO) HLS key URIs. */
export function dataUri(bytes: Uint8Array, mediaType = "text/plain"): string {
  return `data:${mediaType};base64,${base64Of(bytes)}`;
}

/** Widevine HLS signalling attributes: URI is the PSSH box as a data URI. */
export function widevineHlsAttributes(
  pssh: Buffer,
  method: "SAMPLE-AES" | "SAMPLE-AES-CTR" = "SAMPLE-AES",
): HlsKeyAttributes {
  return { method, uri: dataUri(pssh), keyformat: HLS_KEYFORMATS.widevine, keyformatversions: "1" };
}

/** PlayReady HLS signalling attributes: URI is the PlayReady Object as a UTF-16 data URI. */
export function playReadyHlsAttributes(
  pro: Buffer,
  method: "SAMPLE-AES" | "SAMPLE-AES-CTR" = "SAMPLE-AES",
): HlsKeyAttributes {
  return {
    method,
    uri: dataUri(pro, "text/plain;charset=UTF-16"),
    keyformat: HLS_KEYFORMATS.playready,
    keyformatversions: "1",
  };
}
