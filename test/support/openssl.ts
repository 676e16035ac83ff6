/**
 * Certificates for tests, made by the openssl CLI: real X.509 from a second implementation, independent of our code
 * and of node:crypto.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificate {
  /** The certificate, PEM. */
  certPem: string;
  /** Its private key, unencrypted PKCS#8 PEM. */
  keyPem: string;
}

/**
 * A self-signed certificate with a new key: `newkey` is what follows `openssl req -newkey` (`["rsa:2048"]`,
 * `["ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]`).
 */
export function selfSignedCertificate(
  newkey: string[] = ["rsa:2048"],
  o: { days?: number; commonName?: string } = {},
): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), "keyplane-cert-"));
  try {
    const key = join(dir, "k.pem");
    const cert = join(dir, "c.pem");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        ...newkey,
        "-nodes",
        "-keyout",
        key,
        "-out",
        cert,
        "-days",
        String(o.days ?? 30),
        "-subj",
        `/CN=${o.commonName ?? "keyplane-test"}`,
      ],
      { stdio: "ignore" },
    );
    return { certPem: readFileSync(cert, "utf8"), keyPem: readFileSync(key, "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
