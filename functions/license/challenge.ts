/**
 * Reads the player's license challenge (opaque bytes: a Widevine/PlayReady/FairPlay request) with a hard size cap.
 * `Content-Length` over the cap is refused before reading; a streamed body is counted and cut off at the cap.
 */
import { licenseError } from "./errors";

export async function readChallenge(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = req.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > maxBytes) {
    throw licenseError("CHALLENGE_TOO_LARGE", `License challenge exceeds ${maxBytes} bytes`);
  }
  if (!req.body) throw licenseError("CHALLENGE_MISSING", "The license challenge (request body) is empty");
  const reader = req.body.getReader();
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw licenseError("CHALLENGE_TOO_LARGE", `License challenge exceeds ${maxBytes} bytes`);
    }
    chunks.push(Buffer.from(value.buffer, value.byteOffset, value.byteLength));
  }
  if (total === 0) throw licenseError("CHALLENGE_MISSING", "The license challenge (request body) is empty");
  return Buffer.concat(chunks, total);
}
