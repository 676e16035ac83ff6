import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { certificateRsa2048 } from "../../../policy-pack/rules";
import { res } from "./fixtures";
import { run } from "./helpers";

/** A real self-signed certificate made by OpenSSL (independent of our code). */
function selfSigned(keyArgs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "kp-cert-"));
  try {
    execFileSync("openssl", ["req", "-x509", "-nodes", "-newkey", ...keyArgs, "-keyout", join(dir, "k.pem"), "-out", join(dir, "c.pem"), "-days", "1", "-subj", "/CN=keyplane-test"], { stdio: "ignore" });
    return readFileSync(join(dir, "c.pem"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("policy-pack/rules/certificates: keyplane-certificate-rsa-2048", () => {
  let rsa2048 = "";
  let rsa1024 = "";
  let ec = "";
  before(() => {
    rsa2048 = selfSigned(["rsa:2048"]);
    rsa1024 = selfSigned(["rsa:1024"]);
    ec = selfSigned(["ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]);
  });
  it("passes a requested RSA_2048 certificate and an imported 2048-bit RSA one", () => {
    assert.deepEqual(run(certificateRsa2048, res("aws:acm/certificate:Certificate", { domainName: "k.example.com", keyAlgorithm: "RSA_2048" })), []);
    assert.deepEqual(run(certificateRsa2048, res("aws:acm/certificate:Certificate", { certificateBody: rsa2048, privateKey: "(secret)" })), []);
  });
  it("fails RSA_1024 (ACM key algorithm name) and an imported 1024-bit certificate", () => {
    assert.equal(run(certificateRsa2048, res("aws:acm/certificate:Certificate", { keyAlgorithm: "RSA_1024" })).length, 1);
    const v = run(certificateRsa2048, res("aws:acm/certificate:Certificate", { certificateBody: rsa1024 }));
    assert.equal(v.length, 1);
    assert.match(v[0]?.message ?? "", /1024-bit/);
  });
  it("fails ECDSA unless allowed", () => {
    assert.equal(run(certificateRsa2048, res("aws:acm/certificate:Certificate", { keyAlgorithm: "EC_prime256v1" })).length, 1);
    assert.equal(run(certificateRsa2048, res("aws:acm/certificate:Certificate", { certificateBody: ec })).length, 1);
    assert.deepEqual(run(certificateRsa2048, res("aws:acm/certificate:Certificate", { certificateBody: ec }), { allowEcdsaCertificates: true }), []);
  });
});
