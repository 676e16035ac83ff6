import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { DOMParser } from "@xmldom/xmldom";
import { commonPssh } from "../../../functions/drm/clearkey";
import { contentProtectionDataXml, contentProtectionXml, mp4ProtectionXml } from "../../../functions/drm/dash";
import { playReadyObject, playReadyPssh, wrmHeader } from "../../../functions/drm/playready";
import { DASHIF_CLEARKEY_SCHEME, SYSTEM_IDS } from "../../../functions/drm/systems";
import { widevinePssh } from "../../../functions/drm/widevine";
import { isKeyplaneError } from "../../../functions/errors";

const CENC = "urn:mpeg:cenc:2013";
const MSPR = "urn:microsoft:playready";
const DASHIF = "https://dashif.org/CPS";
const kid = Buffer.from("8ba94ade6eb9449db44fa5beefaf43b0", "hex");

function parse(xml: string) {
  const doc = new DOMParser({
    onError: (l: string, m: string) => {
      throw new Error(`${l}: ${m}`);
    },
  }).parseFromString(xml, "text/xml");
  return doc.documentElement!;
}

/** Top-level elements of a fragment parsed inside a wrapper that declares no namespace (each must declare its own). */
function fragment(xml: string) {
  const w = parse(`<w>${xml}</w>`);
  const out = [];
  for (let n = w.firstChild; n; n = n.nextSibling) {
    assert.equal(n.nodeType, 1, "only elements");
    out.push(n as unknown as ReturnType<typeof parse>);
  }
  return out;
}

// DASH-IF CPIX 2.3 ContentProtectionData: the standalone XML that goes inside the MPD ContentProtection element.
describe("drm/dash ContentProtectionData (inner XML)", () => {
  it("Widevine: one standalone cenc:pssh, its own xmlns:cenc, text = base64 of the box; no ContentProtection", () => {
    const pssh = widevinePssh({ kids: [kid] });
    const xml = contentProtectionDataXml({ systemId: SYSTEM_IDS.widevine, pssh });
    assert.doesNotMatch(xml, /ContentProtection/);
    const [p, ...rest] = fragment(xml);
    assert.equal(rest.length, 0);
    assert.equal(p!.namespaceURI, CENC);
    assert.equal(p!.localName, "pssh");
    assert.equal(p!.prefix, "cenc");
    assert.equal(p!.getAttribute("xmlns:cenc"), CENC);
    assert.equal(p!.attributes.length, 1, "no attribute but the namespace declaration");
    assert.equal(p!.textContent, pssh.toString("base64"));
  });

  it("PlayReady: cenc:pssh then mspr:pro, each declaring its namespace", () => {
    const pro = playReadyObject(wrmHeader({ version: "4.0.0.0", keys: [{ kid, algid: "AESCTR" }] }));
    const pssh = playReadyPssh({ pro });
    const els = fragment(contentProtectionDataXml({ systemId: SYSTEM_IDS.playready, pssh, pro }));
    assert.deepEqual(
      els.map((e) => [e.namespaceURI, e.localName]),
      [
        [CENC, "pssh"],
        [MSPR, "pro"],
      ],
    );
    assert.equal(els[0]!.getAttribute("xmlns:cenc"), CENC);
    assert.equal(els[1]!.getAttribute("xmlns:mspr"), MSPR);
    assert.deepEqual(Buffer.from(els[0]!.textContent!, "base64"), pssh);
    assert.deepEqual(Buffer.from(els[1]!.textContent!, "base64"), pro);
  });

  it("ClearKey: a standalone, escaped dashif:Laurl", () => {
    const url = "https://keys.example/clearkey?a=1&b=2";
    const els = fragment(contentProtectionDataXml({ systemId: DASHIF_CLEARKEY_SCHEME, laUrl: url }));
    assert.deepEqual(
      els.map((e) => [e.namespaceURI, e.localName]),
      [[DASHIF, "Laurl"]],
    );
    assert.equal(els[0]!.getAttribute("xmlns:dashif"), DASHIF);
    assert.equal(els[0]!.textContent, url);
  });

  it("refuses bad system ids, mspr:pro outside PlayReady, Laurl outside ClearKey, and empty data", () => {
    const bad = (o: Parameters<typeof contentProtectionDataXml>[0], code: string) =>
      assert.throws(
        () => contentProtectionDataXml(o),
        (e: unknown) => isKeyplaneError(e) && e.code === code,
      );
    bad({ systemId: "widevine", pssh: Buffer.alloc(32) }, "SYSTEM_ID_INVALID");
    bad({ systemId: SYSTEM_IDS.widevine, pro: Buffer.alloc(10) }, "CONTENT_PROTECTION_INVALID");
    bad({ systemId: SYSTEM_IDS.widevine, laUrl: "https://x/" }, "CONTENT_PROTECTION_INVALID");
    bad({ systemId: SYSTEM_IDS.widevine }, "CONTENT_PROTECTION_INVALID");
  });
});

describe("drm/dash ContentProtection", () => {
  it("Widevine: schemeIdUri, cenc:default_KID and a cenc:pssh equal to the box", () => {
    const pssh = widevinePssh({ kids: [kid] });
    const el = parse(contentProtectionXml({ systemId: SYSTEM_IDS.widevine, pssh, defaultKid: kid }));
    assert.equal(el.localName, "ContentProtection");
    assert.equal(el.namespaceURI, "urn:mpeg:dash:schema:mpd:2011");
    assert.equal(el.getAttribute("schemeIdUri"), "urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed");
    assert.equal(el.getAttributeNS(CENC, "default_KID"), "8ba94ade-6eb9-449d-b44f-a5beefaf43b0");
    const p = el.getElementsByTagNameNS(CENC, "pssh");
    assert.equal(p.length, 1);
    assert.deepEqual(Buffer.from(p[0]!.textContent!, "base64"), pssh);
    assert.equal(el.hasAttribute("value"), false);
  });

  it("PlayReady: value MSPR 2.0, cenc:pssh and mspr:pro in their namespaces", () => {
    const pro = playReadyObject(wrmHeader({ version: "4.0.0.0", keys: [{ kid, algid: "AESCTR" }] }));
    const pssh = playReadyPssh({ pro, kids: [kid] });
    const el = parse(contentProtectionXml({ systemId: SYSTEM_IDS.playready.toUpperCase(), pssh, pro }));
    assert.equal(el.getAttribute("schemeIdUri"), "urn:uuid:9a04f079-9840-4286-ab92-e65be0885f95");
    assert.equal(el.getAttribute("value"), "MSPR 2.0");
    assert.deepEqual(Buffer.from(el.getElementsByTagNameNS(MSPR, "pro")[0]!.textContent!, "base64"), pro);
    assert.deepEqual(Buffer.from(el.getElementsByTagNameNS(CENC, "pssh")[0]!.textContent!, "base64"), pssh);
  });

  it("ClearKey: DASH-IF scheme, ClearKey1.0 and an escaped dashif:Laurl", () => {
    const url = "https://keys.example/clearkey?a=1&b=2";
    const el = parse(contentProtectionXml({ systemId: DASHIF_CLEARKEY_SCHEME, pssh: commonPssh([kid]), laUrl: url }));
    assert.equal(el.getAttribute("schemeIdUri"), DASHIF_CLEARKEY_SCHEME);
    assert.equal(el.getAttribute("value"), "ClearKey1.0");
    assert.equal(el.getElementsByTagNameNS(DASHIF, "Laurl")[0]!.textContent, url);
  });

  it("mp4protection element carries the scheme and default KID", () => {
    const el = parse(mp4ProtectionXml({ scheme: "cbcs", defaultKid: kid }));
    assert.equal(el.getAttribute("schemeIdUri"), "urn:mpeg:dash:mp4protection:2011");
    assert.equal(el.getAttribute("value"), "cbcs");
    assert.equal(el.getAttributeNS(CENC, "default_KID"), "8ba94ade-6eb9-449d-b44f-a5beefaf43b0");
  });

  it("refuses bad system ids, mspr:pro outside PlayReady, and escapes values", () => {
    assert.throws(
      () => contentProtectionXml({ systemId: "widevine" }),
      (e: unknown) => isKeyplaneError(e) && e.code === "SYSTEM_ID_INVALID",
    );
    assert.throws(
      () => contentProtectionXml({ systemId: SYSTEM_IDS.widevine, pro: Buffer.alloc(10) }),
      (e: unknown) => isKeyplaneError(e) && e.code === "CONTENT_PROTECTION_INVALID",
    );
    const el = parse(contentProtectionXml({ systemId: SYSTEM_IDS.widevine, value: 'a"<b>&' }));
    assert.equal(el.getAttribute("value"), 'a"<b>&');
  });
});
