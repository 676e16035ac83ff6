/**
 * The encryptor's side of SPEKE v2.0: builds a CPIX 2.3 request with an encryption contract (preset) and reads the
 * content keys and per-DRM-system signalling back. Elements are matched by namespace URI, never by prefix.
 */
import type { Element } from "@xmldom/xmldom";
import { KeyplaneError } from "../functions/errors";
import { kidFromUuid, kidToUuid } from "../functions/keys/kid";
import { parseXmlStrict, xmlAttr } from "../functions/xml/strict";

export const CPIX_NS = "urn:dashif:org:cpix";
export const PSKC_NS = "urn:ietf:params:xml:ns:keyprov:pskc";
export const SPEKE_SYSTEMS = {
  widevine: "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed",
  playready: "9a04f079-9840-4286-ab92-e65be0885f95",
  fairplay: "94ce86fb-07ff-4f43-adb8-93d2fa968ca2",
  w3cCommon: "1077efec-c0b2-4d02-ace3-3c1e52e2fb4b",
  clearKeyAes128: "3ea8778f-7742-4bf9-b18b-e834b2acbd47",
} as const;

/** Human names of the DRM system ids above (for progress and the demo page's exchange summary). */
export const SYSTEM_NAMES: Readonly<Record<string, string>> = {
  [SPEKE_SYSTEMS.widevine]: "Widevine",
  [SPEKE_SYSTEMS.playready]: "PlayReady",
  [SPEKE_SYSTEMS.fairplay]: "FairPlay",
  [SPEKE_SYSTEMS.w3cCommon]: "W3C common PSSH (ClearKey)",
  [SPEKE_SYSTEMS.clearKeyAes128]: "Clear Key AES-128",
};

export type TrackType = "VIDEO" | "AUDIO" | "ALL";
export type Scheme = "cenc" | "cbcs" | "cens" | "cbc1";

export interface SpekeKeyRequest {
  kid: Buffer;
  trackType: TrackType;
}
/** What to ask per DRM system: PSSH / ContentProtectionData (DASH) and/or HLS signalling. */
export interface SpekeSystemRequest {
  systemId: string;
  pssh?: boolean;
  contentProtectionData?: boolean;
  hls?: boolean;
}

export interface SpekeRequestSpec {
  contentId: string;
  scheme: Scheme;
  keys: SpekeKeyRequest[];
  systems: SpekeSystemRequest[];
}

export interface SpekeSystemResult {
  systemId: string;
  pssh?: Buffer;
  /**
   * The decoded `ContentProtectionData` (UTF-8): the XML that goes inside this system's MPD ContentProtection element
   * (DASH-IF CPIX 2.3), not the element; lab/dash/mpd.ts checks it and writes the element around it.
   */
  contentProtectionData?: string;
  hlsMedia?: string;
  hlsMaster?: string;
}

export interface SpekeKey {
  kid: Buffer;
  key: Buffer;
  trackType?: string;
  systems: SpekeSystemResult[];
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function spekeError(msg: string, status = 502): KeyplaneError {
  return new KeyplaneError("SPEKE_CLIENT_FAILED", msg, { status });
}

/** The CPIX 2.3 document for a SPEKE v2.0 request (track filters as AWS's encryption-contract examples write them). */
export function buildSpekeRequest(s: SpekeRequestSpec): string {
  const kid = (k: Buffer) => kidToUuid(k);
  const keys = s.keys
    .map((k) => `<cpix:ContentKey kid="${kid(k.kid)}" commonEncryptionScheme="${s.scheme}"></cpix:ContentKey>`)
    .join("");
  const systems = s.keys
    .flatMap((k) =>
      s.systems.map(
        (sys) =>
          `<cpix:DRMSystem kid="${kid(k.kid)}" systemId="${xmlAttr(sys.systemId)}">` +
          (sys.pssh ? "<cpix:PSSH/>" : "") +
          (sys.contentProtectionData ? "<cpix:ContentProtectionData/>" : "") +
          (sys.hls ? `<cpix:HLSSignalingData playlist="media"/><cpix:HLSSignalingData playlist="master"/>` : "") +
          "</cpix:DRMSystem>",
      ),
    )
    .join("");
  const filter = (t: TrackType) =>
    t === "VIDEO"
      ? "<cpix:VideoFilter/>"
      : t === "AUDIO"
        ? "<cpix:AudioFilter/>"
        : "<cpix:VideoFilter/><cpix:AudioFilter/>";
  const rules = s.keys
    .map(
      (k) =>
        `<cpix:ContentKeyUsageRule kid="${kid(k.kid)}" intendedTrackType="${k.trackType}">${filter(k.trackType)}</cpix:ContentKeyUsageRule>`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<cpix:CPIX contentId="${xmlAttr(s.contentId)}" version="2.3" xmlns:cpix="${CPIX_NS}" xmlns:pskc="${PSKC_NS}">` +
    `<cpix:ContentKeyList>${keys}</cpix:ContentKeyList><cpix:DRMSystemList>${systems}</cpix:DRMSystemList>` +
    `<cpix:ContentKeyUsageRuleList>${rules}</cpix:ContentKeyUsageRuleList></cpix:CPIX>`
  );
}

function elements(parent: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  const list = parent.getElementsByTagNameNS(ns, local);
  for (let i = 0; i < list.length; i++) out.push(list.item(i)!);
  return out;
}

function text(e: Element | undefined): string | undefined {
  const t = e?.textContent?.trim();
  return t ? t : undefined;
}

function b64(s: string | undefined, what: string): Buffer | undefined {
  if (s === undefined) return undefined;
  if (!/^[A-Za-z0-9+/\s]*={0,2}$/.test(s)) throw spekeError(`SPEKE response: ${what} is not base64`);
  return Buffer.from(s, "base64");
}

/** Reads keys and signalling from a CPIX response. Keys must be in the clear (`pskc:PlainValue`): we send no DeliveryData. */
export function parseSpekeResponse(xml: string): SpekeKey[] {
  const doc = parseXmlStrict(xml, { maxChars: 2 * 1024 * 1024, code: "SPEKE_CLIENT_FAILED" });
  const root = doc.documentElement!;
  if (root.namespaceURI !== CPIX_NS || root.localName !== "CPIX")
    throw spekeError("SPEKE response is not a CPIX document");
  const rules = new Map<string, string>();
  for (const r of elements(root, CPIX_NS, "ContentKeyUsageRule")) {
    const k = r.getAttribute("kid");
    const t = r.getAttribute("intendedTrackType");
    if (k && t) rules.set(k.toLowerCase(), t);
  }
  const systems = elements(root, CPIX_NS, "DRMSystem");
  const keys = elements(root, CPIX_NS, "ContentKey").map((ck) => {
    const kidText = (ck.getAttribute("kid") ?? "").toLowerCase();
    let kid: Buffer;
    try {
      kid = kidFromUuid(kidText);
    } catch {
      throw spekeError(`SPEKE response: bad ContentKey@kid ${JSON.stringify(kidText)}`);
    }
    const plain = text(elements(ck, PSKC_NS, "PlainValue")[0]);
    if (!plain) {
      throw spekeError(
        elements(ck, PSKC_NS, "EncryptedValue").length
          ? "SPEKE response carries encrypted content keys; the lab client sends no DeliveryData and expects PlainValue"
          : `SPEKE response has no key for KID ${kidText}`,
      );
    }
    const key = b64(plain, "PlainValue")!;
    if (key.length !== 16)
      throw spekeError(`SPEKE response: key for KID ${kidText} is ${key.length} bytes, expected 16`);
    const sys: SpekeSystemResult[] = systems
      .filter((d) => (d.getAttribute("kid") ?? "").toLowerCase() === kidText)
      .map((d) => {
        const r: SpekeSystemResult = { systemId: (d.getAttribute("systemId") ?? "").toLowerCase() };
        const pssh = b64(text(elements(d, CPIX_NS, "PSSH")[0]), "PSSH");
        if (pssh?.length) r.pssh = pssh;
        const cpd = b64(text(elements(d, CPIX_NS, "ContentProtectionData")[0]), "ContentProtectionData");
        if (cpd?.length) {
          try {
            r.contentProtectionData = UTF8.decode(cpd);
          } catch {
            throw spekeError(
              `SPEKE response: ContentProtectionData for system ${r.systemId.slice(0, 40)} is not UTF-8 text`,
            );
          }
        }
        for (const h of elements(d, CPIX_NS, "HLSSignalingData")) {
          const line = b64(text(h), "HLSSignalingData")?.toString("utf8").trim();
          if (!line) continue;
          if (h.getAttribute("playlist") === "master") r.hlsMaster = line;
          else r.hlsMedia = line;
        }
        return r;
      });
    const trackType = rules.get(kidText);
    return { kid, key, ...(trackType ? { trackType } : {}), systems: sys };
  });
  if (keys.length === 0) throw spekeError("SPEKE response has no ContentKey");
  return keys;
}

export interface SpekeCallOptions {
  /** Key server base URL (`http://127.0.0.1:8787`) or the full `/speke` endpoint. */
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export function spekeEndpoint(url: string): string {
  const u = new URL(url);
  if (!/\/speke\/?$/.test(u.pathname)) u.pathname = u.pathname.replace(/\/+$/, "") + "/speke";
  return u.toString();
}

/** POSTs a SPEKE v2.0 request and returns the keys; errors explain what the key server said. */
export async function requestKeys(spec: SpekeRequestSpec, o: SpekeCallOptions): Promise<SpekeKey[]> {
  const endpoint = spekeEndpoint(o.url);
  let res: Response;
  try {
    res = await fetch(endpoint, {
      method: "POST",
      headers: { "Content-Type": "application/xml", "X-Speke-Version": "2.0", ...(o.headers ?? {}) },
      body: buildSpekeRequest(spec),
      signal: AbortSignal.timeout(o.timeoutMs ?? 15_000),
    });
  } catch (e) {
    throw spekeError(
      `Cannot reach the key server at ${endpoint} (${(e as Error).message}). Start it with \`npm start\` or pass --key-server.`,
    );
  }
  const body = await res.text();
  if (res.status !== 200)
    throw spekeError(`Key server answered ${res.status} to the SPEKE request: ${body.slice(0, 300)}`);
  const keys = parseSpekeResponse(body);
  for (const k of spec.keys) {
    // the server may override KIDs (SPEKE allows it); match by track type then
    if (!keys.some((r) => r.kid.equals(k.kid) || r.trackType === k.trackType))
      throw spekeError(`SPEKE response has no key for the ${k.trackType} track`);
  }
  return keys;
}

/** The response key for a track type (or the one requested KID). */
export function keyFor(keys: SpekeKey[], trackType: TrackType, requested?: Buffer): SpekeKey {
  const k =
    keys.find((r) => r.trackType === trackType) ?? (requested ? keys.find((r) => r.kid.equals(requested)) : undefined);
  if (!k) throw spekeError(`SPEKE response has no ${trackType} key`);
  return k;
}
