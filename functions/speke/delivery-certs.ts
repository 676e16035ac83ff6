/**
 * Delivery certificates seen in SPEKE requests, parsed once: encoders send the same certificate with every request,
 * and X.509 parsing is the largest fixed cost of content key encryption. Only public certificates are cached (a
 * small FIFO), and the validity window is re-checked against the request clock on every use.
 */
import type { X509Certificate } from "node:crypto";
import { loadDeliveryCertificate } from "../cpix/encryption";

const MAX_ENTRIES = 32;
const cache = new Map<string, { cert: X509Certificate; from: number; to: number }>();

export function deliveryCertificate(base64Der: string, now: Date): X509Certificate {
  const hit = cache.get(base64Der);
  const t = now.getTime();
  if (hit && t >= hit.from && t <= hit.to) return hit.cert;
  const cert = loadDeliveryCertificate(base64Der, now); // throws the precise 400 (size, type, expiry)
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(base64Der, { cert, from: Date.parse(cert.validFrom), to: Date.parse(cert.validTo) });
  return cert;
}
