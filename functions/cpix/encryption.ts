/**
 * CPIX content key encryption (DASH-IF CPIX 2.3 section 4.2 / AWS SPEKE "content key encryption"):
 * a random 32-byte document key and a random 64-byte MAC key, each RSA-OAEP (MGF1 with SHA-1) wrapped with the
 * public key of the delivery certificate from the request; every content key becomes
 * base64(IV16 || AES-256-CBC-PKCS7(documentKey, IV, contentKey)) with ValueMAC = HMAC-SHA512(macKey, IV || ciphertext).
 * The document and MAC keys live only in the encryptor's closure; nothing here logs or exposes them.
 */
import {
  constants,
  createCipheriv,
  createHmac,
  publicEncrypt,
  randomBytes,
  X509Certificate,
  type KeyObject,
} from "node:crypto";
import { KeyplaneError } from "../errors";

export const CPIX_ALGORITHMS = {
  rsaOaep: "http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p",
  aes256cbc: "http://www.w3.org/2001/04/xmlenc#aes256-cbc",
  hmacSha512: "http://www.w3.org/2001/04/xmldsig-more#hmac-sha512",
} as const;

export const DELIVERY_CERT_MIN_RSA_BITS = 2048;
/** A DER certificate larger than this is refused before parsing. */
export const DELIVERY_CERT_MAX_BYTES = 16 * 1024;
export const DOCUMENT_KEY_BYTES = 32;
export const MAC_KEY_BYTES = 64;

function refuse(reason: string, cause?: unknown): KeyplaneError {
  return new KeyplaneError(
    "CERTIFICATE_INVALID",
    `Invalid delivery certificate: ${reason}`,
    cause === undefined ? { status: 400 } : { status: 400, cause },
  );
}

/**
 * Parses the `ds:X509Certificate` text (base64 DER; whitespace ignored; PEM also accepted) and checks it can be used:
 * RSA (not RSA-PSS, not EC), modulus of at least 2048 bits, and `now` within its validity period.
 * Throws KeyplaneError `CERTIFICATE_INVALID` (status 400) with the reason.
 */
export function loadDeliveryCertificate(base64Der: string, now: Date): X509Certificate {
  if (typeof base64Der !== "string") throw refuse("expected base64 text");
  let text = base64Der.trim();
  const pem = /^-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----$/.exec(text);
  if (pem) text = pem[1]!;
  text = text.replace(/\s+/g, "");
  if (text.length === 0) throw refuse("the certificate is empty");
  if (text.length > Math.ceil(DELIVERY_CERT_MAX_BYTES / 3) * 4)
    throw refuse(`the certificate is larger than ${DELIVERY_CERT_MAX_BYTES} bytes`);
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text))
    throw refuse("the certificate is not valid base64");
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(text, "base64"));
  } catch (e) {
    throw refuse("not a parseable X.509 certificate", e);
  }
  const key: KeyObject = cert.publicKey;
  if (key.asymmetricKeyType !== "rsa")
    throw refuse(`the public key is ${key.asymmetricKeyType ?? "unknown"}, RSA is required`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < DELIVERY_CERT_MIN_RSA_BITS)
    throw refuse(`the RSA key is ${bits} bits, at least ${DELIVERY_CERT_MIN_RSA_BITS} are required`);
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw refuse("the validity period cannot be read");
  const t = now.getTime();
  if (t < from) throw refuse(`the certificate is not valid before ${new Date(from).toISOString()}`);
  if (t > to) throw refuse(`the certificate expired at ${new Date(to).toISOString()}`);
  return cert;
}

export interface EncryptedContentKey {
  /** IV (16 bytes) || AES-256-CBC-PKCS7 ciphertext: the CPIX `enc:CipherValue`. */
  cipherValue: Buffer;
  /** HMAC-SHA512(macKey, IV || ciphertext): the CPIX `pskc:ValueMAC`. */
  valueMac: Buffer;
}

export interface ContentKeyEncryptor {
  /** The document key, RSA-OAEP-MGF1P wrapped: `DeliveryKey/.../enc:CipherValue` of the `DocumentKey`. */
  encryptedDocumentKey: Buffer;
  /** The MAC key, RSA-OAEP-MGF1P wrapped: `MACMethod/Key/.../enc:CipherValue`. */
  encryptedMacKey: Buffer;
  encryptKey(contentKey: Buffer): EncryptedContentKey;
}

function wrap(cert: X509Certificate, secret: Buffer): Buffer {
  return publicEncrypt({ key: cert.publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" }, secret);
}

/** A per-response encryptor: fresh document and MAC keys, both wrapped for `cert`; a fresh random IV per content key. */
export function createContentKeyEncryptor(cert: X509Certificate): ContentKeyEncryptor {
  const documentKey = randomBytes(DOCUMENT_KEY_BYTES);
  const macKey = randomBytes(MAC_KEY_BYTES);
  const encryptedDocumentKey = wrap(cert, documentKey);
  const encryptedMacKey = wrap(cert, macKey);
  return {
    encryptedDocumentKey,
    encryptedMacKey,
    encryptKey(contentKey: Buffer): EncryptedContentKey {
      if (!(contentKey instanceof Uint8Array) || contentKey.length === 0) {
        throw new KeyplaneError("CONTENT_KEY_INVALID", "A content key to encrypt must be non-empty bytes", {
          status: 500,
          expose: false,
        });
      }
      const iv = randomBytes(16);
      const c = createCipheriv("aes-256-cbc", documentKey, iv);
      const cipherValue = Buffer.concat([iv, c.update(contentKey), c.final()]);
      const valueMac = createHmac("sha512", macKey).update(cipherValue).digest();
      return { cipherValue, valueMac };
    },
  };
}
