/**
 * cpix:ContentProtectionData over real HTTP (the app from functions/app.ts on loopback): per DASH-IF CPIX 2.3
 * (ContentProtectionData: the standalone XML that goes *inside* the MPD ContentProtection element of that DRM system)
 * and AWS SPEKE v2 DRM signalling, it decodes to the children of that element, never to the element itself (a
 * packager inserting it would nest ContentProtection in ContentProtection). Expected values: the cpix:PSSH and
 * cpix:SmoothStreamingProtectionHeaderData of the same DRMSystem (PlayReady's MPD signalling carries the same PlayReady
 * Object, Microsoft "DASH Content Protection using Microsoft PlayReady"), and DASH-IF IOP "Clear Key" for the
 * dashif:Laurl (xmlns:dashif="https://dashif.org/CPS"). Fragments are read with xmldom inside a wrapper that declares
 * no namespace, so an element that does not declare its own namespace fails to parse.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createApp } from "../../../functions/app";
import { parseKeyplaneConfig } from "../../../functions/config";
import { listen, type Listening } from "../../../functions/runtimes/listen";
import {
  CONFORMANCE,
  PLAYREADY_CHILDREN,
  SYS,
  WIDEVINE_CHILDREN,
  b64text,
  childElements,
  drmSystems,
  kidN,
  parseXml,
  path,
  testContext,
  text,
  v2Request,
  xsdErrors,
  type El,
} from "../../support/speke";
import { describeShared } from "../../support/shared";

const CENC = "urn:mpeg:cenc:2013";
const MSPR = "urn:microsoft:playready";
const DASHIF = "https://dashif.org/CPS";
const W3C_COMMON = "1077efec-c0b2-4d02-ace3-3c1e52e2fb4b";
const MPD = "urn:mpeg:dash:schema:mpd:2011";

interface Inner {
  ns: string | null;
  name: string;
  prefix: string | null;
  declares: string | null;
  attrs: number;
  text: string;
}

/** The top-level elements of a decoded ContentProtectionData; fails on anything else at top level or nested elements. */
function inner(b64: El): Inner[] {
  const xml = b64text(b64);
  assert.doesNotMatch(xml, /^\uFEFF|^<\?xml/, "standalone fragment: no BOM, no XML declaration");
  const w = parseXml(`<fragment>${xml}</fragment>`);
  const out: Inner[] = [];
  for (let n = w.firstChild; n; n = n.nextSibling) {
    assert.equal(n.nodeType, 1, `only elements at top level, got node type ${n.nodeType}`);
    assert.notEqual(n.localName, "ContentProtection", "not the ContentProtection element itself");
    assert.notEqual(n.namespaceURI, MPD, "nothing in the MPD namespace");
    assert.equal(childElements(n).length, 0, `${n.localName} carries text only`);
    const prefix = (n as unknown as { prefix: string | null }).prefix;
    out.push({
      ns: n.namespaceURI,
      name: n.localName,
      prefix,
      declares: n.getAttribute(`xmlns:${prefix}`),
      attrs: n.attributes.length,
      text: n.textContent ?? "",
    });
  }
  return out;
}

describeShared("SPEKE v2 ContentProtectionData over HTTP: the inside of ContentProtection", () => {
  let server: Listening;
  before(async () => {
    const ctx = testContext();
    server = await listen(
      createApp(ctx, parseKeyplaneConfig({ speke: { publicBaseUrl: "https://keys.example.com" } }), {
        areas: ["speke"],
      }),
    );
  });
  after(async () => server?.close());

  const speke = async (body: string) => {
    const res = await fetch(`${server.url}/speke`, {
      method: "POST",
      headers: { "Content-Type": "application/xml", "X-Speke-Version": "2.0" },
      body,
    });
    const xml = await res.text();
    assert.equal(res.status, 200, xml);
    assert.equal(xsdErrors(xml), "");
    return parseXml(xml);
  };
  const system = (root: El, systemId: string) => drmSystems(root).find((s) => s.getAttribute("systemId") === systemId)!;

  it("Widevine: one standalone cenc:pssh declaring xmlns:cenc, text byte for byte the cpix:PSSH", async () => {
    for (const scheme of ["cenc", "cbcs"]) {
      const root = await speke(
        v2Request({
          keys: [{ kid: kidN(81), scheme }],
          systems: [{ systemId: SYS.widevine, children: WIDEVINE_CHILDREN }],
        }),
      );
      const sys = system(root, SYS.widevine);
      const els = inner(path(sys, "cpix:ContentProtectionData"));
      assert.deepEqual(
        els.map((e) => [e.ns, e.name]),
        [[CENC, "pssh"]],
      );
      assert.equal(els[0]!.declares, CENC, "cenc:pssh declares its own namespace");
      assert.equal(els[0]!.attrs, 1, "no attribute but the namespace declaration");
      assert.equal(els[0]!.text, text(path(sys, "cpix:PSSH")));
      assert.ok(els[0]!.text.length > 0);
    }
  });

  it("PlayReady: cenc:pssh (= cpix:PSSH) then mspr:pro (= the Smooth Streaming PlayReady Object), each with its xmlns", async () => {
    const root = await speke(
      v2Request({ keys: [{ kid: kidN(82) }], systems: [{ systemId: SYS.playready, children: PLAYREADY_CHILDREN }] }),
    );
    const sys = system(root, SYS.playready);
    const els = inner(path(sys, "cpix:ContentProtectionData"));
    assert.deepEqual(
      els.map((e) => [e.ns, e.name]),
      [
        [CENC, "pssh"],
        [MSPR, "pro"],
      ],
    );
    assert.deepEqual(
      els.map((e) => [e.declares, e.attrs]),
      [
        [CENC, 1],
        [MSPR, 1],
      ],
    );
    assert.equal(els[0]!.text, text(path(sys, "cpix:PSSH")));
    assert.equal(els[1]!.text, text(path(sys, "cpix:SmoothStreamingProtectionHeaderData")));
  });

  it("Clear Key AES-128: the DASH-IF ClearKey content, a standalone dashif:Laurl to /clearkey; W3C common: its cenc:pssh", async () => {
    const children = "<cpix:PSSH/><cpix:ContentProtectionData/>";
    const root = await speke(
      v2Request({
        keys: [{ kid: kidN(83) }],
        systems: [
          { systemId: SYS.clearKey, children },
          { systemId: W3C_COMMON, children },
        ],
      }),
    );
    const ck = inner(path(system(root, SYS.clearKey), "cpix:ContentProtectionData"));
    assert.deepEqual(ck, [
      {
        ns: DASHIF,
        name: "Laurl",
        prefix: "dashif",
        declares: DASHIF,
        attrs: 1,
        text: "https://keys.example.com/clearkey",
      },
    ]);
    const common = system(root, W3C_COMMON);
    const els = inner(path(common, "cpix:ContentProtectionData"));
    assert.deepEqual(
      els.map((e) => [e.ns, e.name, e.declares]),
      [[CENC, "pssh", CENC]],
    );
    assert.equal(els[0]!.text, text(path(common, "cpix:PSSH")));
  });

  it("the public Widevine sample requests (awslabs/speke-reference-server) get the same inner cenc:pssh", async () => {
    for (const f of [
      "v2-vod_1_generic_spekev2_dash_widevine_preset_video_1_audio_1_no_rotation.xml",
      "v2-general_1_generic_spekev2_dash_widevine_preset_video_1_audio_1_no_rotation.xml",
    ]) {
      const root = await speke(readFileSync(`${CONFORMANCE}/speke-requests/${f}`, "utf8"));
      const wv = drmSystems(root).filter((s) => s.getAttribute("systemId") === SYS.widevine);
      assert.equal(wv.length, 2, f);
      for (const sys of wv) {
        const els = inner(path(sys, "cpix:ContentProtectionData"));
        assert.deepEqual(
          els.map((e) => [e.ns, e.name, e.declares]),
          [[CENC, "pssh", CENC]],
          f,
        );
        assert.equal(els[0]!.text, text(path(sys, "cpix:PSSH")), f);
      }
    }
  });
});
