/**
 * The key-delivery requests the benchmarks send (bench/delivery.ts, bench/ab.ts): viewer tokens exactly as the lab's
 * `/token` issues them (same issuer, key and claims, bound to one KID), minted here so minting costs the server
 * nothing, and the ClearKey license and HLS key requests that carry them.
 */
import type { KeySeed } from "../../functions/keys/seed";
import { createTokenIssuer } from "../../functions/tokens/issue";
import { LAB_AUDIENCE, LAB_ISSUER, labTokenKey } from "../../functions/delivery/lab";

export const BENCH_KID = "6a2f0c1e-3b4d-4e5f-9a0b-1c2d3e4f5a6b";

export interface BenchRequest {
  method: "GET" | "POST";
  path: string;
  body?: string;
  headers: Record<string, string>;
}

export interface DeliveryRequests {
  /** `count` distinct lab tokens for BENCH_KID (distinct subjects, so each is its own cache entry). */
  tokens: string[];
  clearkey(token: string): BenchRequest;
  hlsKey(token: string): BenchRequest;
}

export async function deliveryRequests(seed: KeySeed, count = 1): Promise<DeliveryRequests> {
  const issuer = await createTokenIssuer({
    issuer: LAB_ISSUER,
    audience: LAB_AUDIENCE,
    signing: { alg: "HS256", keyBase64: labTokenKey(seed).toString("base64") },
  });
  const kid = Buffer.from(BENCH_KID.replace(/-/g, ""), "hex");
  const tokens: string[] = [];
  for (let i = 0; i < count; i++)
    tokens.push((await issuer.issue("Jwt", { subject: `viewer-${i}`, now: Date.now(), kids: [kid] })).token);
  const body = JSON.stringify({ kids: [kid.toString("base64url")], type: "temporary" });
  return {
    tokens,
    clearkey: (token) => ({
      method: "POST",
      path: "/clearkey",
      body,
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    }),
    hlsKey: (token) => ({
      method: "GET",
      path: `/hls/key/${BENCH_KID}`,
      headers: { authorization: `Bearer ${token}` },
    }),
  };
}
