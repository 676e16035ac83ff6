import assert from "node:assert/strict";
import { inspect } from "node:util";
import { describe, it } from "mocha";
import { isKeyplaneError } from "../../../functions/errors";
import { kidFromUuid } from "../../../functions/keys/kid";
import { deriveContentKey, KeySeed } from "../../../functions/keys/seed";
import { MICROSOFT_TEST_SEED_B64 } from "../../support/seed";

// Microsoft's PlayReady test key seed (published with the PlayReady test server documentation).
const TEST_SEED = MICROSOFT_TEST_SEED_B64;

const seedInvalid = (e: unknown) => isKeyplaneError(e) && e.code === "KEY_SEED_INVALID" && e.expose === false;

describe("keys/seed: PlayReady key-seed derivation", () => {
  it("public python `cpix` package tests: KID 8ba94ade-6eb9-449d-b44f-a5beefaf43b0 -> DBFD6922C321C4BB486F4A1C44097ED6", () => {
    const key = KeySeed.fromBase64(TEST_SEED).contentKey(kidFromUuid("8ba94ade-6eb9-449d-b44f-a5beefaf43b0"));
    assert.equal(key.toString("hex").toUpperCase(), "DBFD6922C321C4BB486F4A1C44097ED6");
  });

  it("Azure Media Services .NET SDK CommonEncryptionTest (PlayReadyContentKeyGenerationKnownGoodTest): 339C45B5-… -> pTfNwMplhBQG1SXnvyLXVA==", () => {
    const key = KeySeed.fromBase64(TEST_SEED).contentKey(kidFromUuid("339c45b5-fb6d-4bd9-994c-eabd9d41c95b"));
    assert.equal(key.toString("base64"), "pTfNwMplhBQG1SXnvyLXVA==");
  });

  it("uses only the first 30 bytes of a longer seed, and the function form agrees with the class", () => {
    const seed = Buffer.from(TEST_SEED, "base64");
    const kid = kidFromUuid("8ba94ade-6eb9-449d-b44f-a5beefaf43b0");
    const longer = Buffer.concat([seed, Buffer.from("extra bytes beyond thirty")]);
    assert.equal(deriveContentKey(longer, kid).toString("hex").toUpperCase(), "DBFD6922C321C4BB486F4A1C44097ED6");
    assert.equal(
      KeySeed.fromBytes(longer).contentKey(kid).toString("hex").toUpperCase(),
      "DBFD6922C321C4BB486F4A1C44097ED6",
    );
  });

  it("different KIDs give different keys; the same KID always the same key", () => {
    const s = KeySeed.generate();
    const a = kidFromUuid("00000000-0000-0000-0000-000000000001");
    const b = kidFromUuid("00000000-0000-0000-0000-000000000002");
    assert.deepEqual(s.contentKey(a), s.contentKey(a));
    assert.notDeepEqual(s.contentKey(a), s.contentKey(b));
    assert.equal(s.contentKey(a).length, 16);
  });

  it("a remembered key is handed out as a copy: changing it changes nothing for the next caller", () => {
    const s = KeySeed.fromBase64(TEST_SEED);
    const kid = kidFromUuid("8ba94ade-6eb9-449d-b44f-a5beefaf43b0");
    const first = s.contentKey(kid);
    first.fill(0);
    assert.equal(s.contentKey(kid).toString("hex").toUpperCase(), "DBFD6922C321C4BB486F4A1C44097ED6");
    // A KID passed as a view into a larger buffer is read at its offset, not from the buffer's start.
    const backing = Buffer.concat([Buffer.alloc(7, 0xaa), kid, Buffer.alloc(5)]);
    assert.equal(
      s.contentKey(backing.subarray(7, 23)).toString("hex").toUpperCase(),
      "DBFD6922C321C4BB486F4A1C44097ED6",
    );
  });

  it("accepts url-safe base64 of the same bytes", () => {
    const bytes = Buffer.alloc(30, 0xfb);
    const kid = kidFromUuid("8ba94ade-6eb9-449d-b44f-a5beefaf43b0");
    assert.deepEqual(
      KeySeed.fromBase64(bytes.toString("base64url")).contentKey(kid),
      KeySeed.fromBytes(bytes).contentKey(kid),
    );
  });
});

describe("keys/seed: validation", () => {
  it("refuses a short seed", () => {
    assert.throws(
      () => KeySeed.fromBase64(Buffer.alloc(29, 7).toString("base64")),
      (e: unknown) => seedInvalid(e) && /29 bytes/.test((e as Error).message),
    );
    assert.throws(() => KeySeed.fromBytes(Buffer.alloc(16)), seedInvalid);
    assert.throws(() => deriveContentKey(Buffer.alloc(29), Buffer.alloc(16)), seedInvalid);
  });

  it("refuses a hex-looking seed (one vendor documents a 16-byte hex seed) with a message that says so", () => {
    assert.throws(
      () => KeySeed.fromBase64("0123456789abcdef0123456789abcdef"),
      (e: unknown) => seedInvalid(e) && /hex/.test((e as Error).message),
    );
  });

  it("refuses text that is not base64, and empty input", () => {
    assert.throws(() => KeySeed.fromBase64("this is not base64 at all!!!!!!!!!!!!!!!!!!!!"), seedInvalid);
    assert.throws(() => KeySeed.fromBase64(`${MICROSOFT_TEST_SEED_B64}=`), seedInvalid); // bad padding
    assert.throws(() => KeySeed.fromBase64(""), seedInvalid);
    assert.throws(() => KeySeed.fromBase64("   "), seedInvalid);
    assert.throws(() => KeySeed.fromBase64(undefined as unknown as string), seedInvalid);
  });

  it("never echoes the seed in error messages", () => {
    const short = Buffer.from("secret-seed-material").toString("base64");
    try {
      KeySeed.fromBase64(short);
      assert.fail("accepted a short seed");
    } catch (e) {
      assert.ok(!String((e as Error).message).includes(short));
    }
  });

  it("toString, JSON and util.inspect never reveal the seed", () => {
    const s = KeySeed.fromBase64(TEST_SEED);
    const bytes = Buffer.from(TEST_SEED, "base64");
    const outputs = [
      String(s),
      `${s}`,
      JSON.stringify(s),
      JSON.stringify({ nested: { s } }),
      inspect(s),
      inspect({ s }, { depth: 10, showHidden: true }),
    ];
    for (const o of outputs) {
      assert.ok(!o.includes(TEST_SEED), o);
      assert.ok(!o.includes(bytes.toString("hex")), o);
      assert.ok(!o.includes(bytes.toString("base64url")), o);
    }
    assert.equal(String(s), "[KeySeed redacted]");
    assert.equal(s.exportBase64(), TEST_SEED);
    assert.match(s.fingerprint(), /^[0-9a-f]{8}$/);
  });
});
