/**
 * Per-DRM-system signalling for one (KID, system) pair of a SPEKE request, built with the functions/drm modules:
 * Widevine (PSSH, ContentProtectionData, HLS), PlayReady (PSSH, ContentProtectionData, HLS, Smooth Streaming /
 * v1 ProtectionHeader = the PlayReady Object), FairPlay (skd:// HLS lines, PSSH kept empty), Clear Key AES-128 and
 * the v1 HLS AES-128 id (key delivery URL), and the W3C common PSSH. Returns base64 text per CPIX element.
 * `ContentProtectionData` is the XML that goes inside the MPD ContentProtection element (drm/dash.ts
 * contentProtectionDataXml), never the element itself; its cenc:pssh text is the PSSH value of the same DRMSystem.
 */
import { commonPssh } from "../drm/clearkey";
import { contentProtectionDataXml } from "../drm/dash";
import { fairPlayHlsAttributes } from "../drm/fairplay";
import {
  expandTemplate,
  HLS_KEYFORMATS,
  hlsKeyAttributeList,
  playReadyHlsAttributes,
  widevineHlsAttributes,
  type HlsKeyAttributes,
} from "../drm/hls";
import {
  chooseHeaderVersion,
  playReadyAlgId,
  playReadyObject,
  playReadyPsshOfObject,
  wrmHeader,
} from "../drm/playready";
import { DASHIF_CLEARKEY_SCHEME, drmSystemName, SYSTEM_IDS } from "../drm/systems";
import { widevinePssh } from "../drm/widevine";
import type { DrmSystemRequest, DrmSystemResponse } from "../cpix/model";
import type { SpekeConfig } from "./config";

type Scheme = "cenc" | "cbcs" | "cens" | "cbc1";

export interface KeyContext {
  /** The KID written in the response (after an optional override). */
  kid: Buffer;
  kidText: string;
  /** `kid` as 32 lowercase hex digits. */
  kidHex: string;
  key: Buffer;
  scheme?: string;
  explicitIV?: Buffer;
  contentId?: string;
  cryptoPeriodIndex?: number;
  v1: boolean;
}

/**
 * base64 of the UTF-8 text, encoded through one reused scratch buffer (no Buffer per value: a request writes about
 * twenty of these). Synchronous, so the scratch is never shared between two calls.
 */
const SCRATCH_BYTES = 64 * 1024;
let scratch: Buffer | undefined;
const b64 = (s: string): string => {
  if (s.length * 3 > SCRATCH_BYTES) return Buffer.from(s, "utf8").toString("base64");
  scratch ??= Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  return scratch.toString("base64", 0, scratch.write(s, 0, "utf8"));
};
const B64_ONE = Buffer.from("1", "utf8").toString("base64");

function hlsLines(d: DrmSystemRequest, out: DrmSystemResponse, attrs: HlsKeyAttributes): void {
  if (d.hlsMedia || d.hlsMaster) {
    const list = hlsKeyAttributeList(attrs);
    if (d.hlsMedia) out.hlsMedia = b64(`#EXT-X-KEY:${list}`);
    if (d.hlsMaster) out.hlsMaster = b64(`#EXT-X-SESSION-KEY:${list}`);
  }
  if (d.uriExtXKey) out.uriExtXKey = b64(attrs.uri);
  if (d.spekeKeyFormat && attrs.keyformat !== undefined) out.spekeKeyFormat = b64(attrs.keyformat);
  if (d.spekeKeyFormatVersions && attrs.keyformatversions !== undefined)
    out.spekeKeyFormatVersions = b64(attrs.keyformatversions);
}

function sampleAesMethod(scheme: Scheme): "SAMPLE-AES" | "SAMPLE-AES-CTR" {
  return scheme === "cbcs" || scheme === "cbc1" ? "SAMPLE-AES" : "SAMPLE-AES-CTR";
}

/** Fills the requested children of one DRMSystem. Throws KeyplaneError (4xx) when a value cannot be built. */
export function signalDrmSystem(d: DrmSystemRequest, k: KeyContext, config: SpekeConfig): DrmSystemResponse {
  const out: DrmSystemResponse = { kidText: k.kidText, systemId: d.systemId };
  const scheme = (k.scheme ?? "cenc") as Scheme;
  const vars = {
    kid: k.kid,
    baseUrl: config.publicBaseUrl,
    ...(k.contentId === undefined ? {} : { contentId: k.contentId }),
  };
  switch (drmSystemName(d.systemId)) {
    case "widevine": {
      const pssh = widevinePssh({
        kids: [k.kid],
        protectionScheme: scheme,
        ...(config.widevine.provider === undefined ? {} : { provider: config.widevine.provider }),
        ...(k.contentId === undefined ? {} : { contentId: Buffer.from(k.contentId, "utf8") }),
        ...(k.cryptoPeriodIndex === undefined ? {} : { cryptoPeriodIndex: k.cryptoPeriodIndex }),
      });
      if (d.pssh) out.pssh = pssh.toString("base64");
      if (d.contentProtectionData)
        out.contentProtectionData = b64(contentProtectionDataXml({ systemId: SYSTEM_IDS.widevine, pssh }));
      hlsLines(d, out, widevineHlsAttributes(pssh, sampleAesMethod(scheme)));
      return out;
    }
    case "playready": {
      const version = chooseHeaderVersion({
        scheme,
        kidCount: 1,
        ...(config.playready.headerVersion ? { configured: config.playready.headerVersion } : {}),
      });
      const header = wrmHeader({
        version,
        keys: [{ kid: k.kid, key: k.key, algid: playReadyAlgId(scheme) }],
        ...(config.playready.laUrl === undefined ? {} : { laUrl: config.playready.laUrl }),
        ...(config.playready.luiUrl === undefined ? {} : { luiUrl: config.playready.luiUrl }),
      });
      const pro = playReadyObject(header);
      const pssh = playReadyPsshOfObject(pro);
      if (d.pssh) out.pssh = pssh.toString("base64");
      if (d.contentProtectionData)
        out.contentProtectionData = b64(contentProtectionDataXml({ systemId: SYSTEM_IDS.playready, pssh, pro }));
      const proB64 = pro.toString("base64");
      if (d.smoothStreaming) out.smoothStreaming = proB64;
      if (d.spekeProtectionHeader) out.spekeProtectionHeader = proB64;
      hlsLines(d, out, playReadyHlsAttributes(pro, sampleAesMethod(scheme)));
      return out;
    }
    case "fairplay": {
      // FairPlay has no PSSH data: an empty PSSH in the request stays empty; no ContentProtectionData.
      if (d.pssh) out.pssh = d.psshValue ?? "";
      hlsLines(d, out, fairPlayHlsAttributes(expandTemplate(config.fairplaySkdTemplate, vars), k.explicitIV));
      return out;
    }
    case "clearKeyAes128":
    case "hlsAes128": {
      const uri = expandTemplate(config.hlsKeyUrlTemplate, vars);
      const attrs: HlsKeyAttributes = {
        method: "AES-128",
        uri,
        keyformat: HLS_KEYFORMATS.identity,
        keyformatversions: "1",
      };
      if (k.explicitIV) attrs.iv = k.explicitIV;
      if (!k.v1) {
        // v2 Clear Key: the PSSH is the W3C common PSSH (1077efec-...: the KIDs, for init segments). The DASH signalling
        // is for the DASH-IF ClearKey descriptor (urn:uuid:e2719d58-..., value "ClearKey1.0"; DOMAIN.md, DASH-IF IOP
        // "Clear Key"), whose content is the license URL as <dashif:Laurl> (xmlns:dashif="https://dashif.org/CPS").
        // No cenc:pssh there: a cenc:pssh inside a DRM system's descriptor carries that system's own box, and the
        // common PSSH has another SystemID (IOP: it does not signal ClearKey). It stays in cpix:PSSH here and is the
        // ContentProtectionData of the w3cCommon DRMSystem below.
        if (d.pssh) out.pssh = commonPssh([k.kid]).toString("base64");
        if (d.contentProtectionData) {
          out.contentProtectionData = b64(
            contentProtectionDataXml({
              systemId: DASHIF_CLEARKEY_SCHEME,
              laUrl: `${config.publicBaseUrl.replace(/\/+$/, "")}/clearkey`,
            }),
          );
        }
      }
      hlsLines(d, out, attrs);
      if (d.spekeKeyFormatVersions) out.spekeKeyFormatVersions = B64_ONE;
      return out;
    }
    case "w3cCommon": {
      const pssh = commonPssh([k.kid]);
      if (d.pssh) out.pssh = pssh.toString("base64");
      if (d.contentProtectionData)
        out.contentProtectionData = b64(contentProtectionDataXml({ systemId: SYSTEM_IDS.w3cCommon, pssh }));
      return out;
    }
    default:
      return out; // unreachable: validate.ts refuses unsupported systems
  }
}

/**
 * Signalling is a pure function of (seed, config, system, KID, scheme, IV, content id, period index, version, the
 * requested children): encoders ask for the same KIDs again and again (every segment packager restart, every
 * rendition, every live key period re-request), so the base64 values are kept in a small LRU. The cache is scoped
 * to the `KeySeed` object and the `SpekeConfig` object (WeakMaps: a new seed or config starts empty, never shares
 * entries), holds only public signalling (PSSH boxes, PlayReady objects, HLS lines; no content keys), and errors
 * are never cached.
 */
const SIGNALLING_GENERATION_MAX = 1024;
/**
 * Two generations (as the verified-token cache, tokens/verified-cache.ts): lookups try the current map, then the
 * previous one (a hit there moves to the current one); when the current map is full it becomes the previous one and a
 * fresh map starts. At most 2 x SIGNALLING_GENERATION_MAX entries, O(1) per request even when every KID is new
 * (evicting a Map's oldest entry one at a time scans the deleted slots V8 leaves at its front).
 */
interface SignallingLru {
  current: Map<string, Readonly<DrmSystemResponse>>;
  previous: Map<string, Readonly<DrmSystemResponse>>;
}
const signallingCaches = new WeakMap<object, WeakMap<SpekeConfig, SignallingLru>>();

function signallingKey(d: DrmSystemRequest, k: KeyContext): string {
  const flags =
    (d.pssh ? 1 : 0) |
    (d.contentProtectionData ? 2 : 0) |
    (d.uriExtXKey ? 4 : 0) |
    (d.hlsMedia ? 8 : 0) |
    (d.hlsMaster ? 16 : 0) |
    (d.smoothStreaming ? 32 : 0) |
    (d.spekeKeyFormat ? 64 : 0) |
    (d.spekeKeyFormatVersions ? 128 : 0) |
    (d.spekeProtectionHeader ? 256 : 0) |
    (k.v1 ? 512 : 0);
  // The content key is not part of the key: it is seed.contentKey(kid), and the cache is per seed object.
  // Every variable part but the last has a fixed alphabet without "\n"; the content id (free text) comes last.
  return (
    `${d.systemId}\n${k.kidHex}\n${k.scheme ?? "-"}\n${k.explicitIV?.toString("hex") ?? "-"}\n` +
    `${k.cryptoPeriodIndex ?? "-"}\n${flags}\n${d.psshValue ?? "-"}\n${k.contentId === undefined ? "-" : `=${k.contentId}`}`
  );
}

/** `signalDrmSystem` with the per-(seed, config) LRU described above; returns a fresh object the caller may extend. */
export function signalDrmSystemCached(
  d: DrmSystemRequest,
  k: KeyContext,
  config: SpekeConfig,
  seed: object,
): DrmSystemResponse {
  let byConfig = signallingCaches.get(seed);
  if (!byConfig) signallingCaches.set(seed, (byConfig = new WeakMap()));
  let lru = byConfig.get(config);
  if (!lru) byConfig.set(config, (lru = { current: new Map(), previous: new Map() }));
  const key = signallingKey(d, k);
  let hit = lru.current.get(key);
  if (hit === undefined) {
    hit = lru.previous.get(key);
    if (hit !== undefined) remember(lru, key, hit);
  }
  if (hit) return { ...hit, kidText: k.kidText };
  const out = signalDrmSystem(d, k, config);
  remember(lru, key, Object.freeze({ ...out }));
  return out;
}

function remember(lru: SignallingLru, key: string, value: Readonly<DrmSystemResponse>): void {
  if (lru.current.size >= SIGNALLING_GENERATION_MAX) {
    lru.previous = lru.current;
    lru.current = new Map();
  }
  lru.current.set(key, value);
}
