import { selfSignedCertificate } from "../../support/openssl";
import assert from "node:assert/strict";
import { certificateRsa2048 } from "../../../policy-pack/rules";
import { assertFindings, res, run } from "../../support/policy-rules";

/** A real self-signed certificate made by OpenSSL (independent of our code). */
const selfSigned = (keyArgs: string[]): string => selfSignedCertificate(keyArgs, { days: 1 }).certPem;

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
    assert.deepEqual(
      run(
        certificateRsa2048,
        res("aws:acm/certificate:Certificate", { domainName: "k.example.com", keyAlgorithm: "RSA_2048" }),
      ),
      [],
    );
    assert.deepEqual(
      run(
        certificateRsa2048,
        res("aws:acm/certificate:Certificate", { certificateBody: rsa2048, privateKey: "(secret)" }),
      ),
      [],
    );
  });
  it("fails RSA_1024 (ACM key algorithm name) and an imported 1024-bit certificate", () => {
    assertFindings(run(certificateRsa2048, res("aws:acm/certificate:Certificate", { keyAlgorithm: "RSA_1024" })), [
      ["keyplane-certificate-rsa-2048", "RSA_1024 is below the 2048-bit RSA minimum", "keyAlgorithm"],
    ]);
    const v = run(certificateRsa2048, res("aws:acm/certificate:Certificate", { certificateBody: rsa1024 }));
    assertFindings(v, [
      [
        "keyplane-certificate-rsa-2048",
        "imported certificate has a 1024-bit RSA key; at least 2048 bits are required",
        "certificateBody",
      ],
    ]);
  });
  it("fails ECDSA unless allowed", () => {
    assertFindings(run(certificateRsa2048, res("aws:acm/certificate:Certificate", { keyAlgorithm: "EC_prime256v1" })), [
      [
        "keyplane-certificate-rsa-2048",
        "EC_prime256v1 is not RSA; SPEKE content key encryption needs RSA 2048 or larger",
        "keyAlgorithm",
      ],
    ]);
    assertFindings(run(certificateRsa2048, res("aws:acm/certificate:Certificate", { certificateBody: ec })), [
      [
        "keyplane-certificate-rsa-2048",
        "imported certificate has a ec key; RSA 2048 or larger is required",
        "certificateBody",
      ],
    ]);
    assert.deepEqual(
      run(certificateRsa2048, res("aws:acm/certificate:Certificate", { certificateBody: ec }), {
        allowEcdsaCertificates: true,
      }),
      [],
    );
  });
});
