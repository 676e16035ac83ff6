/** Shared helpers for the SPEKE tests: request builders, a namespace-aware response reader, xmllint validation. */
import { DOMParser } from "@xmldom/xmldom";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { staticContext, type KeyplaneContext } from "../../functions/context";
import { KeySeed } from "../../functions/keys/seed";
import { createLogger } from "../../functions/log";
import { parseSpekeConfig, type SpekeConfig, type SpekeConfigInput } from "../../functions/speke/config";
import { CONFORMANCE_DIR } from "./shared";
import { MICROSOFT_TEST_SEED_B64 } from "./seed";

export const CONFORMANCE = CONFORMANCE_DIR;
export const XSD = `${CONFORMANCE}/cpix-xsd/cpix.xsd`;

export const NS = {
  cpix: "urn:dashif:org:cpix",
  pskc: "urn:ietf:params:xml:ns:keyprov:pskc",
  speke: "urn:aws:amazon:com:speke",
  ds: "http://www.w3.org/2000/09/xmldsig#",
  enc: "http://www.w3.org/2001/04/xmlenc#",
};

export const SYS = {
  widevine: "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed",
  playready: "9a04f079-9840-4286-ab92-e65be0885f95",
  fairplay: "94ce86fb-07ff-4f43-adb8-93d2fa968ca2",
  clearKey: "3ea8778f-7742-4bf9-b18b-e834b2acbd47",
  hlsAesV1: "81376844-f976-481e-a84e-cc25d39b0b33",
};

export function testContext(opts: { now?: () => number; lines?: string[] } = {}): KeyplaneContext {
  const lines = opts.lines;
  const logger = createLogger({ level: "debug", sink: lines ? (l) => lines.push(l) : () => undefined });
  return staticContext(KeySeed.fromBase64(MICROSOFT_TEST_SEED_B64), { logger, ...(opts.now ? { now: opts.now } : {}) });
}

export function config(input: SpekeConfigInput = {}): SpekeConfig {
  return parseSpekeConfig(input);
}

/** Runs xmllint --schema on a document; returns "" when valid, else the error output. */
export function xsdErrors(xml: string): string {
  const dir = mkdtempSync(join(tmpdir(), "cpix-"));
  const f = join(dir, "doc.xml");
  writeFileSync(f, xml);
  try {
    execFileSync("xmllint", ["--noout", "--nonet", "--schema", XSD, f], { stdio: "pipe" });
    return "";
  } catch (e) {
    return String((e as { stderr?: Buffer }).stderr ?? e);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- reading responses (namespace-aware, independent of the builder) ----
export interface El {
  localName: string;
  namespaceURI: string | null;
  getAttribute(n: string): string | null;
  hasAttribute(n: string): boolean;
  firstChild: El | null;
  nextSibling: El | null;
  nodeType: number;
  textContent: string | null;
  attributes: { length: number; item(i: number): { name: string; value: string; namespaceURI: string | null } | null };
}

export function parseXml(xml: string): El {
  const doc = new DOMParser({
    onError: (level: string, m: string) => {
      if (level !== "warning") throw new Error(m);
    },
  } as never).parseFromString(xml, "text/xml") as unknown as { documentElement: El };
  return doc.documentElement;
}

export function kids(el: El, ns: string, name: string): El[] {
  const out: El[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling)
    if (n.nodeType === 1 && n.namespaceURI === ns && n.localName === name) out.push(n);
  return out;
}

export function childElements(el: El): El[] {
  const out: El[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) out.push(n);
  return out;
}

export function one(el: El, ns: string, name: string): El {
  const k = kids(el, ns, name);
  if (k.length !== 1) throw new Error(`expected exactly one ${name}, found ${k.length}`);
  return k[0]!;
}

export function path(el: El, ...names: string[]): El {
  let cur = el;
  for (const n of names) {
    const [p, l] = n.split(":") as [keyof typeof NS, string];
    cur = one(cur, NS[p], l);
  }
  return cur;
}

export const text = (el: El): string => (el.textContent ?? "").trim();
export const b64text = (el: El): string => Buffer.from(text(el), "base64").toString("utf8");

/** All DRMSystem elements of a response. */
export function drmSystems(root: El): El[] {
  return kids(path(root, "cpix:DRMSystemList"), NS.cpix, "DRMSystem");
}

export function contentKeys(root: El): El[] {
  return kids(path(root, "cpix:ContentKeyList"), NS.cpix, "ContentKey");
}

export function plainKey(ck: El): Buffer {
  return Buffer.from(text(path(ck, "cpix:Data", "pskc:Secret", "pskc:PlainValue")), "base64");
}

// ---- building requests ----
export interface KeySpec {
  kid: string;
  scheme?: string | null;
  trackType?: string;
  filter?: string;
  periodId?: string;
  explicitIV?: string;
}

export interface RequestSpec {
  contentId?: string | null;
  version?: string | null;
  keys: KeySpec[];
  /** system id -> children XML written for each key */
  systems: { systemId: string; children: string }[];
  periods?: string;
  deliveryCert?: string;
  prefix?: string;
}

export const WIDEVINE_CHILDREN =
  '<cpix:PSSH/><cpix:ContentProtectionData/><cpix:HLSSignalingData playlist="media"/><cpix:HLSSignalingData playlist="master"/>';
export const PLAYREADY_CHILDREN = `${WIDEVINE_CHILDREN}<cpix:SmoothStreamingProtectionHeaderData/>`;
export const FAIRPLAY_CHILDREN = '<cpix:HLSSignalingData playlist="media"/><cpix:HLSSignalingData playlist="master"/>';

/** A SPEKE v2 request document (the shape MediaPackage v2 sends). */
export function v2Request(spec: RequestSpec): string {
  const p = spec.prefix ?? "cpix";
  const fix = (s: string) => (p === "cpix" ? s : s.replace(/cpix:/g, `${p}:`));
  const attrs = [
    spec.contentId === null ? "" : ` contentId="${spec.contentId ?? "content-1"}"`,
    spec.version === null ? "" : ` version="${spec.version ?? "2.3"}"`,
  ].join("");
  let s = `<?xml version="1.0" encoding="UTF-8"?>\n<${p}:CPIX xmlns:${p}="${NS.cpix}" xmlns:pskc="${NS.pskc}" xmlns:ds="${NS.ds}" xmlns:enc="${NS.enc}"${attrs}>`;
  if (spec.deliveryCert) {
    s += `<${p}:DeliveryDataList><${p}:DeliveryData><${p}:DeliveryKey><ds:X509Data><ds:X509Certificate>${spec.deliveryCert}</ds:X509Certificate></ds:X509Data></${p}:DeliveryKey></${p}:DeliveryData></${p}:DeliveryDataList>`;
  }
  s += `<${p}:ContentKeyList>`;
  for (const k of spec.keys) {
    const scheme = k.scheme === null ? "" : ` commonEncryptionScheme="${k.scheme ?? "cenc"}"`;
    const iv = k.explicitIV ? ` explicitIV="${k.explicitIV}"` : "";
    s += `<${p}:ContentKey kid="${k.kid}"${scheme}${iv}/>`;
  }
  s += `</${p}:ContentKeyList><${p}:DRMSystemList>`;
  for (const k of spec.keys)
    for (const sys of spec.systems)
      s += `<${p}:DRMSystem kid="${k.kid}" systemId="${sys.systemId}">${fix(sys.children)}</${p}:DRMSystem>`;
  s += `</${p}:DRMSystemList>`;
  if (spec.periods) s += fix(spec.periods);
  s += `<${p}:ContentKeyUsageRuleList>`;
  for (const k of spec.keys) {
    const tt = k.trackType ?? "VIDEO";
    const filter =
      k.filter ??
      (tt.includes("AUDIO")
        ? "<cpix:AudioFilter/>"
        : tt === "ALL"
          ? "<cpix:VideoFilter/><cpix:AudioFilter/>"
          : "<cpix:VideoFilter/>");
    const pf = k.periodId ? `<cpix:KeyPeriodFilter periodId="${k.periodId}"/>` : "";
    s += `<${p}:ContentKeyUsageRule kid="${k.kid}" intendedTrackType="${tt}">${fix(pf + filter)}</${p}:ContentKeyUsageRule>`;
  }
  s += `</${p}:ContentKeyUsageRuleList></${p}:CPIX>`;
  return s;
}

/** Preset VIDEO-8 + AUDIO-3: 7 keys with the track types and filters of the SPEKE v2 encryption contract. */
export const PRESET_V8_A3: { trackType: string; filter: string }[] = [
  { trackType: "SD+HD1", filter: '<cpix:VideoFilter maxPixels="921600"/>' },
  { trackType: "HD2", filter: '<cpix:VideoFilter minPixels="921601" maxPixels="2073600"/>' },
  { trackType: "UHD1", filter: '<cpix:VideoFilter minPixels="2073601" maxPixels="8847360"/>' },
  { trackType: "UHD2", filter: '<cpix:VideoFilter minPixels="8847361"/>' },
  { trackType: "STEREO_AUDIO", filter: '<cpix:AudioFilter maxChannels="2"/>' },
  { trackType: "MULTICHANNEL_AUDIO_3_6", filter: '<cpix:AudioFilter minChannels="3" maxChannels="6"/>' },
  { trackType: "MULTICHANNEL_AUDIO_7", filter: '<cpix:AudioFilter minChannels="7"/>' },
];

export function kidN(n: number): string {
  const h = n.toString(16).padStart(12, "0");
  return `5e6a0382-0f15-4cf7-a8d5-${h}`;
}
