/**
 * Content key encryption (DASH-IF CPIX 2.3 "Key protection" / AWS SPEKE content key encryption), KID override,
 * key rotation periods, SPEKE v2.1 periods, SPEKE v1 elements and log hygiene.
 */
import assert from "node:assert/strict";
import { constants, createDecipheriv, createHmac, privateDecrypt, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createBaseApp } from "../../../functions/http/base";
import { listen } from "../../../functions/runtimes/listen";
import { handleSpeke } from "../../../functions/speke/handler";
import { spekeRoutes } from "../../../functions/speke/routes";
import {
  FAIRPLAY_CHILDREN,
  NS,
  PLAYREADY_CHILDREN,
  SYS,
  WIDEVINE_CHILDREN,
  b64text,
  config,
  contentKeys,
  drmSystems,
  kidN,
  kids,
  parseXml,
  path,
  plainKey,
  testContext,
  text,
  v2Request,
  xsdErrors,
  type El,
} from "../../support/speke";
import { MICROSOFT_TEST_SEED_B64 } from "../../support/seed";
import { SPEKE_REQUESTS_DIR, itShared } from "../../support/shared";
import { staticContext } from "../../../functions/context";
import { KeySeed } from "../../../functions/keys/seed";
import { silentLogger } from "../../../functions/log";

const FIX = join(__dirname, "..", "cpix", "fixtures");
const pemBody = (pem: string) => pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
const CERT_2048 = pemBody(readFileSync(join(FIX, "delivery-rsa2048.cert.pem"), "utf8"));
const KEY_2048 = readFileSync(join(FIX, "delivery-rsa2048.key.pem"), "utf8");
const CERT_1024 = pemBody(readFileSync(join(FIX, "delivery-rsa1024.cert.pem"), "utf8"));
const CERT_EC = pemBody(readFileSync(join(FIX, "delivery-ec.cert.pem"), "utf8"));

const ALL3 = [
  { systemId: SYS.widevine, children: WIDEVINE_CHILDREN },
  { systemId: SYS.playready, children: PLAYREADY_CHILDREN },
  { systemId: SYS.fairplay, children: FAIRPLAY_CHILDREN },
];

/** `version` null = SPEKE v1 (no X-Speke-Version header). */
async function speke(body: string, cfg = config(), version: string | null = "2.0", ctx = testContext()) {
  return handleSpeke(version === null ? { body } : { body, spekeVersion: version }, ctx, cfg);
}

function oaep(b64: string): Buffer {
  return privateDecrypt(
    { key: KEY_2048, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
    Buffer.from(b64, "base64"),
  );
}

describe("SPEKE content key encryption", () => {
  const keys = [
    { kid: kidN(201), scheme: "cbcs" },
    { kid: kidN(202), scheme: "cbcs", trackType: "AUDIO" },
  ];

  itShared(
    "encrypts every content key for the delivery certificate; decrypts and MAC-checks with node:crypto",
    async () => {
      const clear = await speke(v2Request({ keys, systems: ALL3 }));
      const enc = await speke(v2Request({ keys, systems: ALL3, deliveryCert: CERT_2048 }));
      assert.equal(enc.status, 200, enc.body);
      assert.equal(xsdErrors(enc.body), "");
      const root = parseXml(enc.body);
      const dd = path(root, "cpix:DeliveryDataList", "cpix:DeliveryData");
      assert.equal(text(path(dd, "cpix:DeliveryKey", "ds:X509Data", "ds:X509Certificate")), CERT_2048);
      const docKeyEl = path(dd, "cpix:DocumentKey");
      assert.equal(docKeyEl.getAttribute("Algorithm"), "http://www.w3.org/2001/04/xmlenc#aes256-cbc");
      const docEv = path(docKeyEl, "cpix:Data", "pskc:Secret", "pskc:EncryptedValue");
      assert.equal(
        path(docEv, "enc:EncryptionMethod").getAttribute("Algorithm"),
        "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
      );
      const documentKey = oaep(text(path(docEv, "enc:CipherData", "enc:CipherValue")));
      assert.equal(documentKey.length, 32);
      const mac = path(dd, "cpix:MACMethod");
      assert.equal(mac.getAttribute("Algorithm"), "http://www.w3.org/2001/04/xmldsig-more#hmac-sha512");
      const macKey = oaep(text(path(mac, "cpix:Key", "pskc:EncryptedValue", "enc:CipherData", "enc:CipherValue")));
      assert.equal(macKey.length, 64);

      const expected = contentKeys(parseXml(clear.body)).map(plainKey);
      const got = contentKeys(root).map((ck) => {
        const secret = path(ck, "cpix:Data", "pskc:Secret");
        assert.equal(kids(secret, NS.pskc, "PlainValue").length, 0, "no plain value in an encrypted response");
        const ev = path(secret, "pskc:EncryptedValue");
        assert.equal(
          path(ev, "enc:EncryptionMethod").getAttribute("Algorithm"),
          "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
        );
        const cv = Buffer.from(text(path(ev, "enc:CipherData", "enc:CipherValue")), "base64");
        const valueMac = Buffer.from(text(path(secret, "pskc:ValueMAC")), "base64");
        assert.deepEqual(
          createHmac("sha512", macKey).update(cv).digest(),
          valueMac,
          "ValueMAC = HMAC-SHA512(IV || ciphertext)",
        );
        const d = createDecipheriv("aes-256-cbc", documentKey, cv.subarray(0, 16));
        return Buffer.concat([d.update(cv.subarray(16)), d.final()]);
      });
      assert.deepEqual(got, expected);
      // the plaintext keys never appear in the encrypted document
      for (const k of expected) assert.ok(!enc.body.includes(k.toString("base64")));
    },
  );

  itShared(
    "echoes the id and name attributes the request carried (DeliveryData, ContentKey, DRMSystem, usage rule)",
    async () => {
      const body = v2Request({ keys: [keys[0]!], systems: ALL3.slice(0, 1), deliveryCert: CERT_2048 })
        .replace("<cpix:DeliveryData>", '<cpix:DeliveryData id="origin_1" name="packager">')
        .replace("<cpix:ContentKey ", '<cpix:ContentKey id="ck_1" ')
        .replace("<cpix:DRMSystem ", '<cpix:DRMSystem id="drm_1" name="Widevine" ')
        .replace("<cpix:ContentKeyUsageRule ", '<cpix:ContentKeyUsageRule id="rule_1" ');
      const r = await speke(body);
      assert.equal(r.status, 200, r.body);
      assert.equal(xsdErrors(r.body), "");
      const root = parseXml(r.body);
      const dd = path(root, "cpix:DeliveryDataList", "cpix:DeliveryData");
      assert.deepEqual([dd.getAttribute("id"), dd.getAttribute("name")], ["origin_1", "packager"]);
      assert.equal(contentKeys(root)[0]!.getAttribute("id"), "ck_1");
      assert.deepEqual(
        [drmSystems(root)[0]!.getAttribute("id"), drmSystems(root)[0]!.getAttribute("name")],
        ["drm_1", "Widevine"],
      );
      assert.equal(path(root, "cpix:ContentKeyUsageRuleList", "cpix:ContentKeyUsageRule").getAttribute("id"), "rule_1");
    },
  );

  itShared("encrypts a SPEKE v1 request too", async () => {
    const body = readFileSync(join(SPEKE_REQUESTS_DIR, "v1-server_api_body.xml"), "utf8").replace(
      "<cpix:ContentKeyList>",
      `<cpix:DeliveryDataList><cpix:DeliveryData><cpix:DeliveryKey><ds:X509Data xmlns:ds="${NS.ds}"><ds:X509Certificate>${CERT_2048}</ds:X509Certificate></ds:X509Data></cpix:DeliveryKey></cpix:DeliveryData></cpix:DeliveryDataList><cpix:ContentKeyList>`,
    );
    const r = await speke(body, config(), null);
    assert.equal(r.status, 200, r.body);
    const secret = path(contentKeys(parseXml(r.body))[0]!, "cpix:Data", "pskc:Secret");
    assert.equal(kids(secret, NS.pskc, "EncryptedValue").length, 1);
  });

  it("refuses a 1024-bit RSA certificate, an EC certificate and an expired certificate with 400", async () => {
    for (const cert of [CERT_1024, CERT_EC]) {
      const r = await speke(v2Request({ keys, systems: ALL3, deliveryCert: cert }));
      assert.equal(r.status, 400, r.body);
      assert.match(r.body, /certificate/i);
    }
    const notAfter = Date.parse(new X509Certificate(Buffer.from(CERT_2048, "base64")).validTo);
    // first a good request (the parsed certificate is cached), then the same certificate after its expiry
    assert.equal((await speke(v2Request({ keys, systems: ALL3, deliveryCert: CERT_2048 }))).status, 200);
    const late = testContext({ now: () => notAfter + 86_400_000 });
    const r = await speke(v2Request({ keys, systems: ALL3, deliveryCert: CERT_2048 }), config(), "2.0", late);
    assert.equal(r.status, 400);
    assert.match(r.body, /expired/);
  });

  it("refuses a certificate that is not base64 DER with 400", async () => {
    const r = await speke(v2Request({ keys, systems: ALL3, deliveryCert: "AAAA" }));
    assert.equal(r.status, 400);
  });
});

describe("SPEKE KID override", () => {
  const requested = [kidN(301), kidN(302)];
  const body = v2Request({
    contentId: "ovr",
    keys: [{ kid: requested[0]! }, { kid: requested[1]!, trackType: "AUDIO" }],
    systems: ALL3.slice(0, 2),
  });

  it("is off by default: requested KIDs are echoed", async () => {
    const root = parseXml((await speke(body)).body);
    assert.deepEqual(
      contentKeys(root).map((k) => k.getAttribute("kid")),
      requested,
    );
  });

  itShared(
    "replaces KIDs deterministically and consistently in ContentKey, DRMSystem, usage rules, PSSH and WRMHEADER",
    async () => {
      const cfg = config({ kidOverride: true });
      const a = await speke(body, cfg);
      const b = await speke(body, cfg);
      assert.equal(a.status, 200, a.body);
      assert.equal(xsdErrors(a.body), "");
      const root = parseXml(a.body);
      const newKids = contentKeys(root).map((k) => k.getAttribute("kid")!);
      assert.deepEqual(
        contentKeys(parseXml(b.body)).map((k) => k.getAttribute("kid")),
        newKids,
        "deterministic",
      );
      for (const k of newKids) assert.ok(!requested.includes(k));
      assert.equal(new Set(newKids).size, 2);
      const rules = kids(path(root, "cpix:ContentKeyUsageRuleList"), NS.cpix, "ContentKeyUsageRule");
      assert.deepEqual(
        rules.map((r) => r.getAttribute("kid")),
        newKids,
      );
      for (const [i, kid] of newKids.entries()) {
        const hex = kid.replace(/-/g, "");
        const systems = drmSystems(root).filter((s) => s.getAttribute("kid") === kid);
        assert.equal(systems.length, 2);
        const wv = systems.find((s) => s.getAttribute("systemId") === SYS.widevine)!;
        assert.ok(
          Buffer.from(text(path(wv, "cpix:PSSH")), "base64").includes(Buffer.from(hex, "hex")),
          "Widevine PSSH carries the new KID",
        );
        const pr = systems.find((s) => s.getAttribute("systemId") === SYS.playready)!;
        const pro = Buffer.from(text(path(pr, "cpix:SmoothStreamingProtectionHeaderData")), "base64");
        const b2 = Buffer.from(hex, "hex");
        const le = Buffer.concat([
          Buffer.from(b2.subarray(0, 4)).reverse(),
          Buffer.from(b2.subarray(4, 6)).reverse(),
          Buffer.from(b2.subarray(6, 8)).reverse(),
          b2.subarray(8),
        ]);
        assert.ok(
          pro.subarray(10).toString("utf16le").includes(le.toString("base64")),
          "WRMHEADER carries the new KID (little-endian)",
        );
        for (const old of requested) assert.ok(!a.body.includes(old));
        // the served key is the key of the new KID: same as asking for the new KID without override
        const direct = parseXml(
          (await speke(v2Request({ contentId: "x", keys: [{ kid }], systems: ALL3.slice(0, 1) }))).body,
        );
        assert.deepEqual(plainKey(contentKeys(root)[i]!), plainKey(contentKeys(direct)[0]!));
      }
    },
  );
});

describe("SPEKE key rotation and v2.1 periods", () => {
  const periods =
    '<cpix:ContentKeyPeriodList><cpix:ContentKeyPeriod id="p10" index="10"/><cpix:ContentKeyPeriod id="p11" index="11"/></cpix:ContentKeyPeriodList>';
  const rotKeys = [
    { kid: kidN(401), periodId: "p10" },
    { kid: kidN(402), periodId: "p10", trackType: "AUDIO" },
    { kid: kidN(403), periodId: "p11" },
    { kid: kidN(404), periodId: "p11", trackType: "AUDIO" },
  ];

  itShared("gives each rotation period its own KIDs, keys and Widevine crypto_period_index", async () => {
    const r = await speke(v2Request({ keys: rotKeys, systems: ALL3.slice(0, 1), periods }));
    assert.equal(r.status, 200, r.body);
    assert.equal(xsdErrors(r.body), "");
    const root = parseXml(r.body);
    assert.equal(new Set(contentKeys(root).map((k) => plainKey(k).toString("hex"))).size, 4);
    const ps = kids(path(root, "cpix:ContentKeyPeriodList"), NS.cpix, "ContentKeyPeriod");
    assert.deepEqual(
      ps.map((p) => [p.getAttribute("id"), p.getAttribute("index")]),
      [
        ["p10", "10"],
        ["p11", "11"],
      ],
    );
    const rules = kids(path(root, "cpix:ContentKeyUsageRuleList"), NS.cpix, "ContentKeyUsageRule");
    assert.deepEqual(
      rules.map((x) => path(x, "cpix:KeyPeriodFilter").getAttribute("periodId")),
      ["p10", "p10", "p11", "p11"],
    );
    const wv = drmSystems(root).find((s) => s.getAttribute("kid") === kidN(403))!;
    const box = Buffer.from(text(path(wv, "cpix:PSSH")), "base64");
    // protobuf field 7 (crypto_period_index) varint 11 => bytes 0x38 0x0b
    assert.ok(box.includes(Buffer.from([0x38, 0x0b])));
  });

  it("refuses a KeyPeriodFilter that names no period", async () => {
    const r = await speke(
      v2Request({ keys: [{ kid: kidN(405), periodId: "nope" }], systems: ALL3.slice(0, 1), periods }),
    );
    assert.equal(r.status, 400);
  });

  itShared("accepts SPEKE 2.1 (CPIX 2.4) periods with start/end and echoes them", async () => {
    const p21 =
      '<cpix:ContentKeyPeriodList><cpix:ContentKeyPeriod id="live1" index="1" start="2026-11-25T10:00:00Z" end="2026-11-25T10:05:00Z"/></cpix:ContentKeyPeriodList>';
    const r = await speke(
      v2Request({
        version: "2.4",
        keys: [{ kid: kidN(406), periodId: "live1" }],
        systems: ALL3.slice(0, 1),
        periods: p21,
      }),
      config(),
      "2.1",
    );
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers["X-Speke-Version"], "2.1");
    assert.equal(xsdErrors(r.body), "", "start/end are in the 2.3 schema too");
    const root = parseXml(r.body);
    assert.equal(root.getAttribute("version"), "2.4");
    const p = path(root, "cpix:ContentKeyPeriodList", "cpix:ContentKeyPeriod");
    assert.equal(p.getAttribute("start"), "2026-11-25T10:00:00Z");
    assert.equal(p.getAttribute("end"), "2026-11-25T10:05:00Z");
  });

  it("accepts SPEKE 2.1 VOD offsets and refuses them under 2.0", async () => {
    const off =
      '<cpix:ContentKeyPeriodList><cpix:ContentKeyPeriod id="v1" startOffset="0" endOffset="600"/></cpix:ContentKeyPeriodList>';
    const r = await speke(
      v2Request({
        version: "2.4",
        keys: [{ kid: kidN(407), periodId: "v1" }],
        systems: ALL3.slice(0, 1),
        periods: off,
      }),
      config(),
      "2.1",
    );
    assert.equal(r.status, 200, r.body);
    const p = path(parseXml(r.body), "cpix:ContentKeyPeriodList", "cpix:ContentKeyPeriod");
    assert.equal(p.getAttribute("startOffset"), "0");
    assert.equal(p.getAttribute("endOffset"), "600");
    const r20 = await speke(
      v2Request({ keys: [{ kid: kidN(407), periodId: "v1" }], systems: ALL3.slice(0, 1), periods: off }),
    );
    assert.equal(r20.status, 400);
  });

  it("requires CPIX 2.4 for SPEKE 2.1 and 2.3 for SPEKE 2.0", async () => {
    const r = await speke(
      v2Request({ version: "2.3", keys: [{ kid: kidN(408) }], systems: ALL3.slice(0, 1) }),
      config(),
      "2.1",
    );
    assert.equal(r.status, 422);
    assert.equal(r.body, "Unsupported CPIX@version");
  });
});

describe("SPEKE v1 DRM elements", () => {
  it("fills PSSH, ProtectionHeader, URIExtXKey, KeyFormat and KeyFormatVersions in speke namespace", async () => {
    const kid = kidN(501);
    const body =
      `<?xml version="1.0"?><c:CPIX id="abc" xmlns:c="${NS.cpix}" xmlns:s="${NS.speke}" xmlns:pskc="${NS.pskc}">` +
      `<c:ContentKeyList><c:ContentKey kid="${kid}"/></c:ContentKeyList><c:DRMSystemList>` +
      `<c:DRMSystem kid="${kid}" systemId="${SYS.playready}"><c:ContentProtectionData/><s:KeyFormat/><s:KeyFormatVersions/><s:ProtectionHeader/><c:PSSH/><c:URIExtXKey/></c:DRMSystem>` +
      `<c:DRMSystem kid="${kid}" systemId="${SYS.fairplay}"><s:KeyFormat/><s:KeyFormatVersions/><c:URIExtXKey/></c:DRMSystem>` +
      `</c:DRMSystemList></c:CPIX>`;
    const r = await speke(body, config(), null);
    assert.equal(r.status, 200, r.body);
    assert.ok(r.headers["Speke-User-Agent"]);
    assert.equal(r.headers["X-Speke-Version"], undefined);
    const root = parseXml(r.body);
    assert.equal(root.getAttribute("id"), "abc");
    const [pr, fp] = drmSystems(root) as [El, El];
    const pro = text(path(pr, "speke:ProtectionHeader"));
    assert.ok(Buffer.from(pro, "base64").subarray(10).toString("utf16le").startsWith("<WRMHEADER"));
    assert.equal(b64text(path(pr, "speke:KeyFormat")), "com.microsoft.playready");
    assert.equal(b64text(path(pr, "speke:KeyFormatVersions")), "1");
    assert.equal(b64text(path(fp, "cpix:URIExtXKey")), `skd://${kid}`);
    assert.equal(b64text(path(fp, "speke:KeyFormat")), "com.apple.streamingkeydelivery");
    // schema order: PSSH before ContentProtectionData before URIExtXKey, speke elements last
    const order = [
      ...(function* () {
        for (let n = pr.firstChild; n; n = n.nextSibling) if (n.nodeType === 1) yield n.localName;
      })(),
    ];
    assert.deepEqual(order, [
      "PSSH",
      "ContentProtectionData",
      "URIExtXKey",
      "KeyFormat",
      "KeyFormatVersions",
      "ProtectionHeader",
    ]);
  });

  itShared("answers a v1 request with a schema-valid document when its id is an xs:ID", async () => {
    const kid = kidN(503);
    const body =
      `<cpix:CPIX id="content_503" xmlns:cpix="${NS.cpix}" xmlns:speke="${NS.speke}"><cpix:ContentKeyList><cpix:ContentKey kid="${kid}" explicitIV=""/></cpix:ContentKeyList>` +
      `<cpix:DRMSystemList><cpix:DRMSystem kid="${kid}" systemId="${SYS.widevine}"><cpix:PSSH/><speke:ProtectionHeader/></cpix:DRMSystem>` +
      `<cpix:DRMSystem kid="${kid}" systemId="${SYS.hlsAesV1}"><cpix:ContentProtectionData/><speke:KeyFormat/><speke:KeyFormatVersions/><speke:ProtectionHeader/><cpix:PSSH/><cpix:URIExtXKey/></cpix:DRMSystem>` +
      `</cpix:DRMSystemList></cpix:CPIX>`;
    const r = await speke(body, config(), null);
    assert.equal(r.status, 200, r.body);
    assert.equal(xsdErrors(r.body), "");
    const [wv] = drmSystems(parseXml(r.body)) as [El];
    assert.ok(text(path(wv, "cpix:PSSH")).length > 0);
    assert.equal(kids(wv, NS.speke, "ProtectionHeader").length, 0, "no Smooth Streaming header for Widevine");
  });

  it("refuses speke: elements in a v2 request", async () => {
    const body = v2Request({
      keys: [{ kid: kidN(502) }],
      systems: [{ systemId: SYS.playready, children: `<speke:ProtectionHeader xmlns:speke="${NS.speke}"/>` }],
    });
    const r = await speke(body);
    assert.equal(r.status, 400);
  });
});

describe("SPEKE logs", () => {
  it("write request and content ids, never keys, the seed or certificates", async () => {
    const lines: string[] = [];
    const ctx = testContext({ lines });
    const r = await handleSpeke(
      {
        body: v2Request({
          contentId: "log-test",
          keys: [{ kid: kidN(601) }],
          systems: ALL3.slice(0, 2),
          deliveryCert: CERT_2048,
        }),
        spekeVersion: "2.0",
      },
      ctx,
      config(),
    );
    assert.equal(r.status, 200);
    const clear = await handleSpeke(
      {
        body: v2Request({ contentId: "log-test", keys: [{ kid: kidN(601) }], systems: ALL3.slice(0, 2) }),
        spekeVersion: "2.0",
      },
      ctx,
      config(),
    );
    const key = plainKey(contentKeys(parseXml(clear.body))[0]!);
    assert.ok(
      lines.some((l) => l.includes("log-test")),
      "content id logged",
    );
    const all = lines.join("\n");
    for (const secret of [key.toString("base64"), key.toString("hex"), MICROSOFT_TEST_SEED_B64, CERT_2048.slice(0, 40)])
      assert.ok(!all.includes(secret));
    const bad = await handleSpeke({ body: "<nope", spekeVersion: "2.0" }, ctx, config());
    assert.equal(bad.status, 400);
    assert.ok(lines.some((l) => l.includes("speke_rejected")));
  });
});

describe("SPEKE logs over HTTP", () => {
  it("put what was served on the request's one log line, with the request id and the content id", async () => {
    const lines: string[] = [];
    const ctx = testContext({ lines });
    const server = await listen(createBaseApp(ctx).route("/", spekeRoutes(ctx, config())));
    try {
      const res = await fetch(`${server.url}/speke`, {
        method: "POST",
        headers: { "X-Speke-Version": "2.0", "X-Request-Id": "req-abc-123" },
        body: v2Request({ contentId: "http-log", keys: [{ kid: kidN(701) }], systems: ALL3.slice(0, 1) }),
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("x-request-id"), "req-abc-123", "the caller's request id comes back");
      assert.equal(res.headers.get("content-type"), "application/xml");
      assert.equal(res.headers.get("x-speke-version"), "2.0");
      const text = await res.text();
      assert.equal(res.headers.get("content-length"), String(Buffer.byteLength(text)));
      assert.ok(text.startsWith('<?xml version="1.0" encoding="UTF-8"?>'));
    } finally {
      await server.close();
    }
    // Deliberately changed (issue 16): `speke_response` was a line of its own; its fields now ride on the request line.
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      parsed.map((l) => l.event),
      ["request"],
      "one line for the request",
    );
    const line = parsed[0]!;
    assert.equal(line.requestId, "req-abc-123");
    assert.equal(line.status, 200);
    assert.equal(line.path, "/speke");
    assert.equal(line.contentId, "http-log");
    assert.equal(line.spekeVersion, "2.0");
    assert.equal(line.keyCount, 1);
    assert.equal(line.drmSystemCount, 1);
  });
});

describe("SPEKE content keys across requests", () => {
  const req = (n: number, count = 1) =>
    v2Request({
      contentId: "keys",
      keys: Array.from({ length: count }, (_, i) => ({ kid: kidN(n + i) })),
      systems: [{ systemId: SYS.widevine, children: WIDEVINE_CHILDREN }],
    });
  const keysOf = async (ctx: ReturnType<typeof testContext>, body: string, cfg = config()) => {
    const r = await handleSpeke({ body, spekeVersion: "2.0" }, ctx, cfg);
    assert.equal(r.status, 200, r.body);
    return contentKeys(parseXml(r.body)).map((ck) => plainKey(ck).toString("hex"));
  };
  const derived = (seed: KeySeed, n: number) =>
    seed.contentKey(Buffer.from(kidN(n).replace(/-/g, ""), "hex")).toString("hex");

  it("answers every request with the seed's key for each KID, the first time and every time after", async () => {
    const ctx = testContext();
    const seed = KeySeed.fromBase64(MICROSOFT_TEST_SEED_B64);
    for (let round = 0; round < 3; round++)
      assert.deepEqual(await keysOf(ctx, req(900, 3)), [derived(seed, 900), derived(seed, 901), derived(seed, 902)]);
    // more distinct KIDs than KeySeed remembers (4,096, keys/seed.ts), so its memo is cleared at least once, then the first ones again
    for (let i = 0; i < 4200; i += 50)
      assert.deepEqual(
        await keysOf(ctx, req(10_000 + i, 50)),
        Array.from({ length: 50 }, (_, j) => derived(seed, 10_000 + i + j)),
      );
    assert.deepEqual(await keysOf(ctx, req(900, 3)), [derived(seed, 900), derived(seed, 901), derived(seed, 902)]);
  });

  it("never answers with another seed's key for the same KID", async () => {
    const other = KeySeed.generate();
    const a = await keysOf(testContext(), req(950));
    const b = await keysOf(staticContext(other, { logger: silentLogger }), req(950));
    assert.deepEqual(b, [derived(other, 950)]);
    assert.notDeepEqual(a, b);
    assert.deepEqual(await keysOf(testContext(), req(950)), a);
  });

  it("derives the key of the overridden KID when KID override is on", async () => {
    const seed = KeySeed.fromBase64(MICROSOFT_TEST_SEED_B64);
    const r = await handleSpeke({ body: req(960), spekeVersion: "2.0" }, testContext(), config({ kidOverride: true }));
    const ck = contentKeys(parseXml(r.body))[0]!;
    const kid = ck.getAttribute("kid")!;
    assert.notEqual(kid, kidN(960));
    assert.equal(
      plainKey(ck).toString("hex"),
      seed.contentKey(Buffer.from(kid.replace(/-/g, ""), "hex")).toString("hex"),
    );
    assert.deepEqual(
      await keysOf(testContext(), req(960)),
      [derived(seed, 960)],
      "the plain KID still gets its own key",
    );
  });
});
