import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { randomBytes } from "node:crypto";
import * as protobuf from "protobufjs";
import { parsePssh, parsePsshList } from "../../../functions/drm/pssh";
import { SYSTEM_IDS } from "../../../functions/drm/systems";
import { widevinePssh, widevinePsshData } from "../../../functions/drm/widevine";
import { decodeWidevinePsshData, parseWidevinePssh } from "../../../functions/drm/widevine-decode";
import { isKeyplaneError } from "../../../functions/errors";
import { PSSH_BOX_CRATE_WIDEVINE_CENC, PSSH_BOX_CRATE_WIDEVINE_V1, WPT_MP4_BASIC } from "../../support/drm-vectors";

// An independent decoder, built in the test from the field numbers of Shaka Packager's published
// widevine_pssh_data.proto (also reproduced in the pssh-box crate): not our module's schema.
const WidevinePsshData = new protobuf.Type("WidevinePsshData")
  .add(new protobuf.Field("algorithm", 1, "uint32"))
  .add(new protobuf.Field("keyId", 2, "bytes", "repeated"))
  .add(new protobuf.Field("provider", 3, "string"))
  .add(new protobuf.Field("contentId", 4, "bytes"))
  .add(new protobuf.Field("policy", 6, "string"))
  .add(new protobuf.Field("cryptoPeriodIndex", 7, "uint32"))
  .add(new protobuf.Field("protectionScheme", 9, "uint32"));
new protobuf.Root().define("t").add(WidevinePsshData);

function decodeIndependently(data: Uint8Array): Record<string, unknown> {
  return WidevinePsshData.toObject(WidevinePsshData.decode(data), { bytes: String, defaults: false }) as Record<
    string,
    unknown
  >;
}

const hex = (s: string) => Buffer.from(s, "hex");

describe("drm/widevine", () => {
  it("decodes the W3C wpt 'mp4-basic' Widevine PSSH to the published KID and fields", () => {
    const [wv] = parsePsshList(Buffer.from(WPT_MP4_BASIC.initDataB64, "base64"));
    const d = decodeWidevinePsshData(wv!.data);
    assert.deepEqual(
      d.kids.map((k) => k.toString("hex")),
      [WPT_MP4_BASIC.kidHex],
    );
    assert.equal(d.algorithm, 1);
    assert.equal(d.provider, WPT_MP4_BASIC.widevineProvider);
    assert.equal(d.contentId?.toString("latin1"), WPT_MP4_BASIC.widevineContentId);
    assert.equal(d.policy, WPT_MP4_BASIC.widevinePolicy);
    const ind = decodeIndependently(wv!.data);
    assert.deepEqual(
      (ind.keyId as string[]).map((k) => Buffer.from(k, "base64").toString("hex")),
      [WPT_MP4_BASIC.kidHex],
    );
  });

  it("reproduces the W3C wpt 'mp4-basic' Widevine PSSH byte for byte from its fields", () => {
    const published = parsePsshList(Buffer.from(WPT_MP4_BASIC.initDataB64, "base64"))[0]!;
    const built = widevinePssh({
      kids: [hex(WPT_MP4_BASIC.kidHex)],
      algorithm: "AESCTR",
      provider: WPT_MP4_BASIC.widevineProvider,
      contentId: Buffer.from(WPT_MP4_BASIC.widevineContentId, "latin1"),
      policy: WPT_MP4_BASIC.widevinePolicy,
    });
    const original = Buffer.from(WPT_MP4_BASIC.initDataB64, "base64").subarray(0, 0x71);
    assert.deepEqual(built, original);
    assert.deepEqual(parsePssh(built).data, published.data);
  });

  it("encodes protection_scheme as the big-endian 4CC (pssh-box crate vector, 'cenc')", () => {
    const built = widevinePssh({ kids: [hex(PSSH_BOX_CRATE_WIDEVINE_CENC.kidHex)], protectionScheme: "cenc" });
    assert.equal(built.toString("hex"), PSSH_BOX_CRATE_WIDEVINE_CENC.hex);
    const d = parseWidevinePssh(built);
    assert.equal(d.protectionScheme, "cenc");
    assert.equal(d.protectionSchemeValue, 0x63656e63);
    assert.equal(d.boxVersion, 0);
  });

  it("writes cbcs as 0x63626373 (DOMAIN.md) and the independent decoder agrees", () => {
    const data = widevinePsshData({
      kids: [hex(WPT_MP4_BASIC.kidHex)],
      protectionScheme: "cbcs",
      cryptoPeriodIndex: 7,
      contentId: Buffer.from("movie-1"),
    });
    const ind = decodeIndependently(data);
    assert.equal(ind.protectionScheme, 0x63626373);
    assert.equal(ind.cryptoPeriodIndex, 7);
    assert.equal(Buffer.from(ind.contentId as string, "base64").toString(), "movie-1");
    assert.equal(ind.algorithm, undefined, "algorithm is omitted unless asked for");
  });

  it("reproduces the pssh-box crate's three-KID Widevine v1 box", () => {
    const kids = PSSH_BOX_CRATE_WIDEVINE_V1.kidsHex.map(hex);
    const built = widevinePssh({ kids, boxVersion: 1 });
    assert.equal(built.toString("base64"), PSSH_BOX_CRATE_WIDEVINE_V1.b64);
    const d = parseWidevinePssh(built);
    assert.deepEqual(d.kids, kids);
    assert.deepEqual(d.boxKids, kids);
  });

  it("defaults to a version 0 box with the KIDs only in the protobuf", () => {
    const kids = [hex("11111111111111111111111111111111"), hex("22222222222222222222222222222222")];
    const box = parsePssh(widevinePssh({ kids, provider: "keyplane" }));
    assert.equal(box.version, 0);
    assert.equal(box.systemId, SYSTEM_IDS.widevine);
    assert.deepEqual(box.kids, []);
    const ind = decodeIndependently(box.data);
    assert.deepEqual(
      (ind.keyId as string[]).map((k) => Buffer.from(k, "base64")),
      kids,
    );
    assert.equal(ind.provider, "keyplane");
  });

  it("refuses no KIDs, bad KIDs, bad crypto period, non-Widevine boxes and garbage data", () => {
    const wvInvalid = (e: unknown) => isKeyplaneError(e) && e.code === "WIDEVINE_PSSH_INVALID";
    assert.throws(() => widevinePsshData({ kids: [] }), wvInvalid);
    assert.throws(() => widevinePsshData({ kids: [Buffer.alloc(8)] }), wvInvalid);
    assert.throws(() => widevinePsshData({ kids: [Buffer.alloc(16)], cryptoPeriodIndex: -1 }), wvInvalid);
    assert.throws(() => widevinePsshData({ kids: [Buffer.alloc(16)], protectionScheme: "xxxx" as "cenc" }), wvInvalid);
    // the second box of the wpt init data is PlayReady, not Widevine
    assert.throws(() => parseWidevinePssh(Buffer.from(WPT_MP4_BASIC.initDataB64, "base64").subarray(0x71)), wvInvalid);
    assert.throws(() => decodeWidevinePsshData(Buffer.from([0x12, 0xff, 0x01])), wvInvalid);
  });

  it("the hand-written wire encoding is byte for byte what protobufjs encodes from the published WidevinePsshData", () => {
    // Second implementation: protobufjs over Shaka Packager's widevine_pssh_data.proto (field numbers as published).
    const t = protobuf
      .parse(
        `syntax = "proto2"; message WidevinePsshData { optional uint32 algorithm = 1; repeated bytes key_id = 2;
      optional string provider = 3; optional bytes content_id = 4; optional string policy = 6; optional uint32 crypto_period_index = 7;
      optional uint32 protection_scheme = 9; }`,
        { keepCase: true },
      )
      .root.lookupType("WidevinePsshData");
    const schemes = ["cenc", "cbcs", "cens", "cbc1"] as const;
    for (let i = 0; i < 400; i++) {
      const kids = Array.from({ length: 1 + (i % 5) }, () => randomBytes(16));
      const provider = i % 2 ? `provider-${"é".repeat(i % 7)}` : undefined;
      const contentId = i % 3 === 0 ? randomBytes(i % 300) : undefined;
      const protectionScheme = i % 4 === 0 ? schemes[(i / 4) % 4] : undefined;
      const cryptoPeriodIndex = i % 5 === 0 ? (i * 2654435761) >>> 0 : undefined;
      const policy = i % 11 === 0 ? `policy-${i}` : undefined;
      const ours = widevinePsshData({
        kids,
        provider,
        contentId,
        protectionScheme,
        cryptoPeriodIndex,
        policy,
        ...(i % 7 === 0 ? { algorithm: "AESCTR" as const } : {}),
      });
      const msg: Record<string, unknown> = { key_id: kids };
      if (i % 7 === 0) msg.algorithm = 1;
      if (provider !== undefined) msg.provider = provider;
      if (contentId !== undefined) msg.content_id = contentId;
      if (policy !== undefined) msg.policy = policy;
      if (cryptoPeriodIndex !== undefined) msg.crypto_period_index = cryptoPeriodIndex;
      if (protectionScheme !== undefined)
        msg.protection_scheme = Buffer.from(protectionScheme, "latin1").readUInt32BE(0);
      assert.equal(
        ours.toString("hex"),
        Buffer.from(t.encode(t.fromObject(msg)).finish()).toString("hex"),
        `case ${i}`,
      );
    }
  });
});
