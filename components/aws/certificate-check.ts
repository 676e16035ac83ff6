/**
 * Plan-time checks of the SPEKE content-key-encryption certificate with node:crypto: PEM X.509, RSA with a 2048-bit
 * modulus (what MediaPackage / MediaConvert require for SPEKE content key encryption), not expired, and, when the
 * private key is known, that the key matches the certificate.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";

export interface CertificateFacts {
  subject: string;
  notAfter: Date;
  modulusLength: number;
  fingerprint256: string;
}

export function checkSpekeCertificate(
  certificatePem: string,
  privateKeyPem?: string,
  now = Date.now(),
): CertificateFacts {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certificatePem);
  } catch (e) {
    throw new Error(`SpekeCertificate: certificateBody is not a PEM X.509 certificate (${(e as Error).message})`);
  }
  const pk = cert.publicKey;
  if (pk.asymmetricKeyType !== "rsa")
    throw new Error(`SpekeCertificate: the certificate key must be RSA (got ${pk.asymmetricKeyType ?? "unknown"})`);
  const bits = pk.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits !== 2048) throw new Error(`SpekeCertificate: the certificate key must be 2048-bit RSA (got ${bits} bits)`);
  const notAfter = new Date(cert.validTo);
  if (notAfter.getTime() <= now)
    throw new Error(`SpekeCertificate: the certificate expired on ${notAfter.toISOString()}`);
  if (privateKeyPem !== undefined) {
    let key: ReturnType<typeof createPrivateKey>;
    try {
      key = createPrivateKey(privateKeyPem);
    } catch {
      throw new Error("SpekeCertificate: privateKey is not a readable unencrypted PEM private key");
    }
    const fromKey = createPublicKey(key).export({ type: "spki", format: "der" });
    const fromCert = pk.export({ type: "spki", format: "der" });
    if (!fromKey.equals(fromCert)) throw new Error("SpekeCertificate: privateKey does not match the certificate");
  }
  return { subject: cert.subject, notAfter, modulusLength: bits, fingerprint256: cert.fingerprint256 };
}
