/**
 * The signalling cache and the builders' shortcuts against their slow forms as the second implementation:
 * `signalDrmSystemCached` (two-generation LRU) answers exactly what `signalDrmSystem` builds, for new KIDs, repeated
 * KIDs and KIDs that have moved to the previous generation; the PlayReady PSSH built from a fresh PlayReady Object
 * without parsing it equals `playReadyPssh` (which parses it first); the shared HLS attribute list equals what
 * `extXKey`/`extXSessionKey` write; a parsed key URI template expands like the plain text replacement it stands for.
 */
import assert from "node:assert/strict";
import { describe, it } from "mocha";
import type { DrmSystemRequest } from "../../../functions/cpix/model";
import {
  expandTemplate,
  extXKey,
  extXSessionKey,
  hlsKeyAttributeList,
  playReadyHlsAttributes,
  widevineHlsAttributes,
} from "../../../functions/drm/hls";
import { playReadyObject, playReadyPssh, playReadyPsshOfObject, wrmHeader } from "../../../functions/drm/playready";
import { SYSTEM_IDS } from "../../../functions/drm/systems";
import { widevinePssh } from "../../../functions/drm/widevine";
import { isKeyplaneError } from "../../../functions/errors";
import { KeySeed } from "../../../functions/keys/seed";
import { parseSpekeConfig } from "../../../functions/speke/config";
import { signalDrmSystem, signalDrmSystemCached, type KeyContext } from "../../../functions/speke/signalling";

const ALL = {
  pssh: true,
  contentProtectionData: true,
  uriExtXKey: true,
  hlsMedia: true,
  hlsMaster: true,
  smoothStreaming: true,
  hdsSignalingData: false,
  spekeKeyFormat: true,
  spekeKeyFormatVersions: true,
  spekeProtectionHeader: true,
};

function kidAt(i: number): Buffer {
  const b = Buffer.alloc(16, 0x5a);
  b.writeUInt32BE(i, 12);
  return b;
}

function keyContext(seed: KeySeed, i: number, scheme: string): KeyContext {
  const kid = kidAt(i);
  const hex = kid.toString("hex");
  return {
    kid,
    kidText: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    kidHex: hex,
    key: seed.contentKey(kid),
    scheme,
    contentId: "cache-test",
    v1: false,
  };
}

function request(k: KeyContext, systemId: string): DrmSystemRequest {
  return { kid: k.kid, kidText: k.kidText, kidHex: k.kidHex, systemId, ...ALL };
}

describe("speke/signalling cache and builder shortcuts", () => {
  it("answers exactly what signalDrmSystem builds, for new, repeated and previous-generation KIDs", () => {
    const seed = KeySeed.generate();
    const config = parseSpekeConfig({ playready: { laUrl: "https://pr.example/rightsmanager.asmx" } });
    const systems = [SYSTEM_IDS.widevine, SYSTEM_IDS.playready, SYSTEM_IDS.fairplay, SYSTEM_IDS.clearKeyAes128];
    // More KIDs than one generation holds (1024 entries), so the first ones move to the previous generation and
    // then out of the cache altogether; every answer is checked against an uncached build.
    const rounds = [0, 1, 0];
    for (const round of rounds) {
      for (let i = 0; i < 700; i += round === 0 ? 1 : 7) {
        for (const systemId of systems) {
          const scheme = systemId === SYSTEM_IDS.fairplay || i % 2 ? "cbcs" : "cenc";
          const k = keyContext(seed, i, scheme);
          const d = request(k, systemId);
          assert.deepEqual(
            signalDrmSystemCached(d, k, config, seed),
            signalDrmSystem(d, k, config),
            `${systemId} ${i}`,
          );
        }
      }
    }
  });

  it("builds the PlayReady PSSH of a fresh PlayReady Object byte for byte as playReadyPssh does", () => {
    const seed = KeySeed.generate();
    for (const version of ["4.0.0.0", "4.2.0.0", "4.3.0.0"] as const) {
      const keys = [kidAt(1), kidAt(2)].slice(0, version === "4.0.0.0" ? 1 : 2);
      const pro = playReadyObject(
        wrmHeader({
          version,
          keys: keys.map((kid) => ({
            kid,
            key: seed.contentKey(kid),
            algid: version === "4.3.0.0" ? ("AESCBC" as const) : ("AESCTR" as const),
          })),
          laUrl: "https://pr.example/rightsmanager.asmx?a=1&b=<2>",
        }),
      );
      assert.deepEqual(playReadyPsshOfObject(pro), playReadyPssh({ pro }));
      assert.deepEqual(playReadyPsshOfObject(pro, keys), playReadyPssh({ pro, kids: keys }));
      assert.deepEqual(playReadyPsshOfObject(pro, keys, 0), playReadyPssh({ pro, kids: keys, version: 0 }));
    }
  });

  it("writes the PlayReady Object's UTF-16LE record as Buffer.from(text, 'utf16le') encodes it", () => {
    const xml = wrmHeader({ version: "4.0.0.0", keys: [{ kid: kidAt(3), algid: "AESCTR" }], dsId: "dß€😀" });
    const pro = playReadyObject(xml);
    assert.deepEqual(pro.subarray(10), Buffer.from(xml, "utf16le"));
    assert.equal(pro.readUInt16LE(8), Buffer.byteLength(xml, "utf16le"));
  });

  it("shares one attribute list between #EXT-X-KEY and #EXT-X-SESSION-KEY", () => {
    const pssh = widevinePssh({ kids: [kidAt(4)], protectionScheme: "cbcs" });
    for (const attrs of [
      widevineHlsAttributes(pssh),
      playReadyHlsAttributes(pssh, "SAMPLE-AES-CTR"),
      { method: "AES-128" as const, uri: "https://k.example/key", iv: Buffer.alloc(16, 0xab) },
    ]) {
      assert.equal(`#EXT-X-KEY:${hlsKeyAttributeList(attrs)}`, extXKey(attrs));
      assert.equal(`#EXT-X-SESSION-KEY:${hlsKeyAttributeList(attrs)}`, extXSessionKey(attrs));
    }
  });

  it("expands a key URI template (parsed once) as the plain text replacement would, and refuses bad ones every time", () => {
    const kid = kidAt(5);
    const hex = kid.toString("hex");
    const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    const template = "{base_url}/k/{kid}?h={kid_hex}&b={kid_b64url}&c={content_id}&{kid}";
    const vars = { kid, baseUrl: "https://k.example//", contentId: "a b/ü" };
    const expected = template
      .replaceAll("{base_url}", "https://k.example")
      .replaceAll("{kid_hex}", hex)
      .replaceAll("{kid_b64url}", kid.toString("base64url"))
      .replaceAll("{content_id}", encodeURIComponent(vars.contentId))
      .replaceAll("{kid}", uuid);
    for (let i = 0; i < 3; i++) assert.equal(expandTemplate(template, vars), expected);
    assert.equal(expandTemplate("no placeholders", { kid }), "no placeholders");
    for (let i = 0; i < 2; i++) {
      assert.throws(
        () => expandTemplate("x{kid", { kid }),
        (e) => isKeyplaneError(e) && e.code === "TEMPLATE_INVALID",
      );
      assert.throws(
        () => expandTemplate("{nope}", { kid }),
        (e) => isKeyplaneError(e) && e.code === "TEMPLATE_INVALID",
      );
      assert.throws(
        () => expandTemplate("{content_id}", { kid }),
        (e) => isKeyplaneError(e) && e.code === "TEMPLATE_INVALID",
      );
    }
  });
});
