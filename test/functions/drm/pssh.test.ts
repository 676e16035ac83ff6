import assert from "node:assert/strict";
import { describe, it } from "mocha";
import { createFile, MP4BoxBuffer } from "mp4box";
import { commonPssh } from "../../../functions/drm/clearkey";
import { playReadyObject, playReadyPssh, wrmHeader } from "../../../functions/drm/playready";
import { buildPssh, parsePssh, parsePsshList, PSSH_MAX_BYTES } from "../../../functions/drm/pssh";
import { widevinePssh } from "../../../functions/drm/widevine";
import { SYSTEM_IDS } from "../../../functions/drm/systems";
import { isKeyplaneError } from "../../../functions/errors";
import {
  PSSH_BOX_CRATE_WIDEVINE_CENC,
  PSSH_BOX_CRATE_WIDEVINE_V1,
  WPT_COMMON_PSSH,
  WPT_MP4_BASIC,
} from "../../support/drm-vectors";

const psshInvalid = (e: unknown) => isKeyplaneError(e) && e.code === "PSSH_INVALID" && e.status === 400;
const hex = (s: string) => Buffer.from(s, "hex");

describe("drm/pssh", () => {
  it("parses the W3C wpt 'mp4-basic' init data (Widevine v0 + PlayReady v0) box by box", () => {
    const boxes = parsePsshList(Buffer.from(WPT_MP4_BASIC.initDataB64, "base64"));
    assert.equal(boxes.length, 2);
    assert.equal(boxes[0]!.version, 0);
    assert.equal(boxes[0]!.systemId, SYSTEM_IDS.widevine);
    assert.deepEqual(boxes[0]!.kids, []);
    assert.equal(boxes[0]!.data.length, 0x51);
    assert.equal(boxes[1]!.version, 0);
    assert.equal(boxes[1]!.systemId, SYSTEM_IDS.playready);
    assert.equal(boxes[1]!.data.length, 0x2fa);
  });

  it("parses the pssh-box crate's Widevine v1 box: three big-endian KIDs in the header", () => {
    const box = parsePssh(Buffer.from(PSSH_BOX_CRATE_WIDEVINE_V1.b64, "base64"));
    assert.equal(box.version, 1);
    assert.equal(box.systemId, SYSTEM_IDS.widevine);
    assert.deepEqual(
      box.kids.map((k) => k.toString("hex")),
      [...PSSH_BOX_CRATE_WIDEVINE_V1.kidsHex],
    );
    assert.equal(box.data.length, 0x36);
  });

  it("rebuilds published boxes byte for byte from their parsed fields", () => {
    for (const b64 of [PSSH_BOX_CRATE_WIDEVINE_V1.b64, PSSH_BOX_CRATE_WIDEVINE_CENC.b64]) {
      const bytes = Buffer.from(b64, "base64");
      assert.deepEqual(buildPssh(parsePssh(bytes)), bytes);
    }
    assert.equal(
      buildPssh(parsePssh(hex(PSSH_BOX_CRATE_WIDEVINE_CENC.hex))).toString("hex"),
      PSSH_BOX_CRATE_WIDEVINE_CENC.hex,
    );
  });

  it("builds the W3C common PSSH exactly as the wpt helper writes it (apart from its size=0 placeholder)", () => {
    const built = buildPssh({
      version: 1,
      systemId: SYSTEM_IDS.w3cCommon,
      kids: [hex(WPT_COMMON_PSSH.kidHex)],
      data: Buffer.alloc(0),
    });
    assert.equal(built.readUInt32BE(0), built.length);
    assert.equal(built.length, 52);
    assert.equal(built.subarray(4).toString("hex"), WPT_COMMON_PSSH.afterSizeHex);
  });

  it("round-trips a built v1 box field by field", () => {
    const kids = [hex("00112233445566778899aabbccddeeff"), hex("ffeeddccbbaa99887766554433221100")];
    const data = Buffer.from("opaque");
    const b = buildPssh({ version: 1, systemId: SYSTEM_IDS.playready.toUpperCase(), kids, data });
    assert.equal(b.toString("latin1", 4, 8), "pssh");
    assert.equal(b.readUInt8(8), 1);
    assert.equal(b.readUIntBE(9, 3), 0);
    assert.equal(b.subarray(12, 28).toString("hex"), SYSTEM_IDS.playready.replace(/-/g, ""));
    assert.equal(b.readUInt32BE(28), 2);
    assert.deepEqual(b.subarray(32, 48), kids[0]);
    assert.deepEqual(b.subarray(48, 64), kids[1]);
    assert.equal(b.readUInt32BE(64), data.length);
    const p = parsePssh(b);
    assert.equal(p.systemId, SYSTEM_IDS.playready);
    assert.deepEqual(p.kids, kids);
    assert.deepEqual(p.data, data);
  });

  it("refuses KIDs in a v0 box, bad KIDs, bad system ids", () => {
    assert.throws(
      () => buildPssh({ version: 0, systemId: SYSTEM_IDS.widevine, kids: [Buffer.alloc(16)], data: Buffer.alloc(0) }),
      psshInvalid,
    );
    assert.throws(
      () => buildPssh({ version: 1, systemId: SYSTEM_IDS.widevine, kids: [Buffer.alloc(15)], data: Buffer.alloc(0) }),
      psshInvalid,
    );
    assert.throws(
      () => buildPssh({ version: 1, systemId: "not-a-uuid", kids: [], data: Buffer.alloc(0) }),
      psshInvalid,
    );
    assert.throws(
      () => buildPssh({ version: 2 as 0, systemId: SYSTEM_IDS.widevine, kids: [], data: Buffer.alloc(0) }),
      psshInvalid,
    );
    assert.throws(
      () => buildPssh({ version: 0, systemId: SYSTEM_IDS.widevine, kids: [], data: Buffer.alloc(PSSH_MAX_BYTES) }),
      psshInvalid,
    );
  });

  it("refuses malformed input with PSSH_INVALID", () => {
    const good = Buffer.from(PSSH_BOX_CRATE_WIDEVINE_V1.b64, "base64");
    const cases: Buffer[] = [
      Buffer.alloc(0),
      good.subarray(0, 20), // truncated header
      good.subarray(0, good.length - 1), // size larger than buffer
      Buffer.concat([good, Buffer.from([0])]), // trailing byte
      (() => {
        const b = Buffer.from(good);
        b.write("moov", 4, "latin1");
        return b;
      })(),
      (() => {
        const b = Buffer.from(good);
        b.writeUInt8(2, 8);
        return b;
      })(), // version 2
      (() => {
        const b = Buffer.from(good);
        b.writeUInt8(1, 11);
        return b;
      })(), // flags != 0
      (() => {
        const b = Buffer.from(good);
        b.writeUInt32BE(0xffffffff, 28);
        return b;
      })(), // KID count overflow
      (() => {
        const b = Buffer.from(good);
        b.writeUInt32BE(4, 28);
        return b;
      })(), // KID count eats DataSize
      (() => {
        const b = Buffer.from(good);
        b.writeUInt32BE(0x37, 28 + 4 + 48);
        return b;
      })(), // DataSize mismatch
      (() => {
        const b = Buffer.from(good);
        b.writeUInt32BE(1, 0);
        return b;
      })(), // 64-bit size
      (() => {
        const b = Buffer.from(good);
        b.writeUInt32BE(0, 0);
        return b;
      })(), // size 0
    ];
    for (const c of cases) assert.throws(() => parsePssh(c), psshInvalid, `accepted ${c.toString("hex").slice(0, 80)}`);
  });

  it("caps the number of boxes in a list", () => {
    const one = Buffer.from(PSSH_BOX_CRATE_WIDEVINE_CENC.b64, "base64");
    assert.equal(parsePsshList(Buffer.concat([one, one, one]), 3).length, 3);
    assert.throws(() => parsePsshList(Buffer.concat([one, one, one, one]), 3), psshInvalid);
  });
});

/** Reads pssh boxes with mp4box.js (an independent ISO-BMFF parser) by wrapping them in ftyp + moov. */
function psshViaMp4box(
  boxes: Buffer[],
): { system_id: string; version: number; kid: string[]; protection_data?: Uint8Array }[] {
  const body = Buffer.concat(boxes);
  const moov = Buffer.alloc(8);
  moov.writeUInt32BE(8 + body.length, 0);
  moov.write("moov", 4, "latin1");
  const ftyp = Buffer.from("00000010667479706973366d00000000", "hex"); // 'ftyp' 'iso6' minor 0
  const all = Buffer.concat([ftyp, moov, body]);
  const file = createFile();
  file.appendBuffer(
    MP4BoxBuffer.fromArrayBuffer(all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer, 0),
  );
  file.flush();
  return (file as unknown as { moov: { psshs: never[] } }).moov.psshs;
}

describe("drm/pssh interop with mp4box.js", () => {
  it("mp4box reads our Widevine, PlayReady and common boxes with the same system ids, versions, KIDs and data", () => {
    const k1 = hex("9eb4050de44b4802932e27d75083e266");
    const k2 = hex("0123456789abcdef0123456789abcdef");
    const pro = playReadyObject(
      wrmHeader({
        version: "4.2.0.0",
        keys: [
          { kid: k1, algid: "AESCTR" },
          { kid: k2, algid: "AESCTR" },
        ],
      }),
    );
    const ours = [
      widevinePssh({ kids: [k1, k2] }),
      widevinePssh({ kids: [k1], boxVersion: 1 }),
      playReadyPssh({ pro, kids: [k1, k2] }),
      commonPssh([k1, k2]),
    ];
    const theirs = psshViaMp4box(ours);
    assert.equal(theirs.length, ours.length);
    ours.forEach((bytes, i) => {
      const mine = parsePssh(bytes);
      const t = theirs[i]!;
      assert.equal(t.system_id, mine.systemId.replace(/-/g, ""));
      assert.equal(t.version, mine.version);
      assert.deepEqual(
        t.kid,
        mine.kids.map((k) => k.toString("hex")),
      );
      assert.deepEqual(Buffer.from(t.protection_data ?? new Uint8Array()), mine.data);
    });
    assert.deepEqual(Buffer.from(theirs[2]!.protection_data!), pro);
  });
});
