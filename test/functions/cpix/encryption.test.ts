import { selfSignedCertificate } from "../../support/openssl";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { constants, createDecipheriv, createHmac, privateDecrypt, timingSafeEqual, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { after, before, describe, it } from "mocha";
import {
  CPIX_ALGORITHMS,
  createContentKeyEncryptor,
  loadDeliveryCertificate,
} from "../../../functions/cpix/encryption";
import { isKeyplaneError } from "../../../functions/errors";

// Real certificates made with the openssl CLI (not by our code): RSA-2048, RSA-1024, EC P-256.
let dir = "";
const certs: Record<string, { certB64: string; keyPem: string; pem: string }> = {};

function makeCert(name: string, newkey: string[]): void {
  const { certPem: pem, keyPem } = selfSignedCertificate(newkey, { commonName: `keyplane-test-${name}` });
  const certB64 = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, "").replace(/\s+/g, "");
  certs[name] = { certB64, keyPem, pem };
}

const refused = (reason: RegExp) => (e: unknown) =>
  isKeyplaneError(e) && e.code === "CERTIFICATE_INVALID" && e.status === 400 && reason.test(e.message);

describe("cpix/encryption", function () {
  this.timeout(60000);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "keyplane-cpix-enc-"));
    makeCert("rsa2048", ["rsa:2048"]);
    makeCert("rsa1024", ["rsa:1024"]);
    makeCert("ec", ["ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]);
  });
  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("uses the xmlenc / xmldsig-more algorithm URIs (W3C XML Encryption, RFC 6931)", () => {
    assert.equal(CPIX_ALGORITHMS.rsaOaep, "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p");
    assert.equal(CPIX_ALGORITHMS.aes256cbc, "http://www.w3.org/2001/04/xmlenc#aes256-cbc");
    assert.equal(CPIX_ALGORITHMS.hmacSha512, "http://www.w3.org/2001/04/xmldsig-more#hmac-sha512");
  });

  it("loads a valid RSA-2048 certificate (base64 DER with line breaks, or PEM)", () => {
    const now = new Date();
    const c = loadDeliveryCertificate(certs.rsa2048!.certB64.replace(/(.{64})/g, "$1\n"), now);
    assert.ok(c instanceof X509Certificate);
    assert.equal(c.subject, "CN=keyplane-test-rsa2048");
    assert.equal(loadDeliveryCertificate(certs.rsa2048!.pem, now).fingerprint256, c.fingerprint256);
  });

  it("refuses 1024-bit RSA, EC keys, garbage, expired and not-yet-valid certificates with a clear reason", () => {
    const now = new Date();
    assert.throws(() => loadDeliveryCertificate(certs.rsa1024!.certB64, now), refused(/1024 bits.*2048/));
    assert.throws(() => loadDeliveryCertificate(certs.ec!.certB64, now), refused(/ec, RSA is required/));
    assert.throws(() => loadDeliveryCertificate("", now), refused(/empty/));
    assert.throws(() => loadDeliveryCertificate("not base64!", now), refused(/not valid base64/));
    assert.throws(
      () => loadDeliveryCertificate(Buffer.from("hello world, not a certificate").toString("base64"), now),
      refused(/not a parseable/),
    );
    assert.throws(() => loadDeliveryCertificate("A".repeat(40000), now), refused(/larger than/));
    const later = new Date(Date.now() + 31 * 24 * 3600 * 1000);
    assert.throws(() => loadDeliveryCertificate(certs.rsa2048!.certB64, later), refused(/expired/));
    const earlier = new Date(Date.now() - 24 * 3600 * 1000);
    assert.throws(() => loadDeliveryCertificate(certs.rsa2048!.certB64, earlier), refused(/not valid before/));
  });

  it("wraps document and MAC keys with RSA-OAEP (MGF1-SHA1); the holder of the private key recovers every content key", () => {
    const cert = loadDeliveryCertificate(certs.rsa2048!.certB64, new Date());
    const enc = createContentKeyEncryptor(cert);
    const priv = certs.rsa2048!.keyPem;
    assert.equal(enc.encryptedDocumentKey.length, 256);
    assert.equal(enc.encryptedMacKey.length, 256);
    const documentKey = privateDecrypt(
      { key: priv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
      enc.encryptedDocumentKey,
    );
    const macKey = privateDecrypt(
      { key: priv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
      enc.encryptedMacKey,
    );
    assert.equal(documentKey.length, 32);
    assert.equal(macKey.length, 64);

    const contentKeys = [
      Buffer.from("DBFD6922C321C4BB486F4A1C44097ED6", "hex"),
      Buffer.from("be7df8a3667a6a8fd564d0ed81339a95", "hex"),
    ];
    const ivs = new Set<string>();
    for (const ck of contentKeys) {
      const { cipherValue, valueMac } = enc.encryptKey(ck);
      assert.equal(cipherValue.length, 16 + 32, "IV + two AES blocks (16-byte key + PKCS#7 full padding block)");
      const iv = cipherValue.subarray(0, 16);
      ivs.add(iv.toString("hex"));
      const expectedMac = createHmac("sha512", macKey).update(cipherValue).digest();
      assert.equal(valueMac.length, 64);
      assert.ok(timingSafeEqual(valueMac, expectedMac), "ValueMAC = HMAC-SHA512(macKey, IV || ciphertext)");
      const d = createDecipheriv("aes-256-cbc", documentKey, iv);
      assert.deepEqual(Buffer.concat([d.update(cipherValue.subarray(16)), d.final()]), ck);
      // and a second, independent AES implementation (the openssl CLI) agrees
      const viaOpenssl = execFileSync(
        "openssl",
        ["enc", "-d", "-aes-256-cbc", "-K", documentKey.toString("hex"), "-iv", iv.toString("hex")],
        { input: cipherValue.subarray(16) },
      );
      assert.deepEqual(viaOpenssl, ck);
    }
    assert.equal(ivs.size, contentKeys.length, "a fresh IV per content key");
    // same key twice: different IV, different ciphertext
    assert.notDeepEqual(enc.encryptKey(contentKeys[0]!).cipherValue, enc.encryptKey(contentKeys[0]!).cipherValue);
  });

  it("uses fresh document and MAC keys per encryptor and keeps them out of its printed form", () => {
    const cert = loadDeliveryCertificate(certs.rsa2048!.certB64, new Date());
    const priv = certs.rsa2048!.keyPem;
    const a = createContentKeyEncryptor(cert);
    const b = createContentKeyEncryptor(cert);
    const dk = (e: typeof a) =>
      privateDecrypt(
        { key: priv, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
        e.encryptedDocumentKey,
      );
    const docA = dk(a);
    assert.notDeepEqual(docA, dk(b));
    const printed = inspect(a, { depth: 5, showHidden: true }) + JSON.stringify(a);
    assert.ok(!printed.includes(docA.toString("hex")) && !printed.includes(docA.toString("base64")));
  });

  it("refuses an empty content key", () => {
    const enc = createContentKeyEncryptor(loadDeliveryCertificate(certs.rsa2048!.certB64, new Date()));
    assert.throws(
      () => enc.encryptKey(Buffer.alloc(0)),
      (e: unknown) => isKeyplaneError(e) && e.code === "CONTENT_KEY_INVALID",
    );
  });
});
