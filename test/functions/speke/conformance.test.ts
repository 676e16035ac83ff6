/**
 * Every public sample request in shared/conformance/speke-requests (from awslabs/speke-reference-server) over real
 * HTTP on loopback: positives answer 200 with a CPIX document that validates against the DASH-IF CPIX 2.3 XSD
 * (xmllint), negatives answer 4xx. Plus the v2 response contract from the AWS SPEKE v2 docs.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createBaseApp } from "../../../functions/http/base";
import { listen, type Listening } from "../../../functions/runtimes/listen";
import { spekeRoutes } from "../../../functions/speke/routes";
import {
  CONFORMANCE,
  NS,
  childElements,
  config,
  contentKeys,
  drmSystems,
  kids,
  parseXml,
  path,
  plainKey,
  testContext,
  text,
  xsdErrors,
  SYS,
  b64text,
} from "../../support/speke";
import { describeShared } from "../../support/shared";

const DIR = `${CONFORMANCE}/speke-requests`;
const POSITIVE_V2 = [
  "v2-general_1_generic_spekev2_dash_widevine_preset_video_1_audio_1_no_rotation.xml",
  "v2-general_2_speke_v1_style_implementation.xml",
  "v2-vod_1_generic_spekev2_dash_widevine_preset_video_1_audio_1_no_rotation.xml",
  "v2-vod_2_speke_v1_style_implementation.xml",
];
const NEGATIVE_V2 = [
  "v2-general_3_negative_wrong_version_spekev2_dash_widevine.xml",
  "v2-general_4_spekev2_negative_preset_shared_video.xml",
  "v2-general_5_spekev2_negative_preset_shared_audio.xml",
  "v2-negative-fairplay_with_cenc-server_api_body_spekev2.xml",
  "v2-vod_3_negative_wrong_version_spekev2_dash_widevine.xml",
  "v2-vod_4_spekev2_negative_preset_shared_video.xml",
  "v2-vod_5_spekev2_negative_preset_shared_audio.xml",
];

describeShared("SPEKE conformance samples over HTTP", () => {
  let server: Listening;
  before(async () => {
    const ctx = testContext();
    const app = createBaseApp(ctx).route("/", spekeRoutes(ctx, config()));
    server = await listen(app);
  });
  after(async () => server.close());

  const post = (file: string, headers: Record<string, string>, path = "/speke") =>
    fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/xml", ...headers },
      body: readFileSync(`${DIR}/${file}`),
    });

  for (const f of POSITIVE_V2) {
    it(`answers ${f} with a schema-valid v2 response`, async () => {
      const res = await post(f, { "X-Speke-Version": "2.0" });
      const body = await res.text();
      assert.equal(res.status, 200, body);
      assert.equal(res.headers.get("content-type"), "application/xml");
      assert.equal(res.headers.get("x-speke-version"), "2.0");
      assert.ok(res.headers.get("x-speke-user-agent"));
      assert.equal(xsdErrors(body), "");
      const req = parseXml(readFileSync(`${DIR}/${f}`, "utf8"));
      const root = parseXml(body);
      assert.equal(root.getAttribute("contentId"), req.getAttribute("contentId"));
      assert.equal(root.getAttribute("version"), "2.3");
      assert.equal(root.hasAttribute("id"), false);
      assert.ok(!body.includes(NS.speke), "no speke namespace in a v2 response");
      // every requested element comes back filled
      const reqSystems = kids(path(req, "cpix:DRMSystemList"), NS.cpix, "DRMSystem");
      const resSystems = drmSystems(root);
      assert.equal(resSystems.length, reqSystems.length);
      for (const [i, s] of resSystems.entries()) {
        assert.equal(s.getAttribute("kid"), reqSystems[i]!.getAttribute("kid"));
        const wanted = childElements(reqSystems[i]!)
          .map((e) => `${e.localName}${e.getAttribute("playlist") ?? ""}`)
          .sort();
        const got = childElements(s)
          .map((e) => `${e.localName}${e.getAttribute("playlist") ?? ""}`)
          .sort();
        assert.deepEqual(got, wanted);
        for (const c of childElements(s)) assert.ok(text(c).length > 0, `${c.localName} is filled`);
      }
      for (const ck of contentKeys(root)) assert.equal(plainKey(ck).length, 16);
    });
  }

  for (const f of NEGATIVE_V2) {
    it(`refuses ${f} with a 4xx text answer`, async () => {
      const res = await post(f, { "X-Speke-Version": "2.0" });
      const body = await res.text();
      assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${body}`);
      assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
      assert.ok(body.length > 0);
    });
  }

  it("answers the wrong CPIX@version samples with the exact 422 body", async () => {
    const res = await post(NEGATIVE_V2[0]!, { "X-Speke-Version": "2.0" });
    assert.equal(res.status, 422);
    assert.equal(await res.text(), "Unsupported CPIX@version");
  });

  it("answers the v1 sample (no version header) with HLS AES-128 v1 elements and Speke-User-Agent", async () => {
    const res = await post("v1-server_api_body.xml", {}, "/copyProtection");
    const body = await res.text();
    assert.equal(res.status, 200, body);
    assert.ok(res.headers.get("speke-user-agent"));
    assert.equal(res.headers.get("x-speke-version"), null);
    const root = parseXml(body);
    assert.equal(root.getAttribute("id"), "5E99137A-BD6C-4ECC-A24D-A3EE04B4E011");
    const [sys] = drmSystems(root);
    assert.equal(sys!.getAttribute("systemId"), SYS.hlsAesV1);
    assert.equal(
      b64text(path(sys!, "cpix:URIExtXKey")),
      "http://127.0.0.1:8787/hls/key/6c5f5206-7d98-4808-84d8-94f132c1e9fe",
    );
    assert.equal(b64text(path(sys!, "speke:KeyFormat")), "identity");
    assert.equal(b64text(path(sys!, "speke:KeyFormatVersions")), "1");
    // the v1 HLS AES-128 system has no PSSH, DASH or Smooth Streaming data: those elements are dropped
    assert.equal(kids(sys!, NS.cpix, "PSSH").length, 0);
    assert.equal(kids(sys!, NS.speke, "ProtectionHeader").length, 0);
    assert.equal(plainKey(contentKeys(root)[0]!).length, 16);
    const period = path(root, "cpix:ContentKeyPeriodList", "cpix:ContentKeyPeriod");
    assert.equal(period.getAttribute("index"), "11425");
  });

  it("serves the v1 heartbeat", async () => {
    const res = await fetch(`${server.url}/speke/heartbeat`);
    assert.equal(res.status, 200);
    assert.ok(res.headers.get("speke-user-agent"));
  });

  it("refuses an unknown X-Speke-Version with 422 Unsupported SPEKE version", async () => {
    const res = await post(POSITIVE_V2[0]!, { "X-Speke-Version": "3.0" });
    assert.equal(res.status, 422);
    assert.equal(await res.text(), "Unsupported SPEKE version");
  });

  it("answers the same request twice with the same keys", async () => {
    const a = parseXml(await (await post(POSITIVE_V2[0]!, { "X-Speke-Version": "2.0" })).text());
    const b = parseXml(await (await post(POSITIVE_V2[0]!, { "X-Speke-Version": "2.0" })).text());
    assert.deepEqual(contentKeys(a).map(plainKey), contentKeys(b).map(plainKey));
    assert.notDeepEqual(plainKey(contentKeys(a)[0]!), plainKey(contentKeys(a)[1]!));
  });

  it("returns 413 above 1 MiB", async () => {
    const big = '<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix">' + " ".repeat(1024 * 1024 + 10) + "</cpix:CPIX>";
    const res = await fetch(`${server.url}/speke`, {
      method: "POST",
      headers: { "X-Speke-Version": "2.0" },
      body: big,
    });
    assert.equal(res.status, 413);
  });
});
