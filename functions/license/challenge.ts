/**
 * Reads the player's license challenge (opaque bytes: a Widevine/PlayReady/FairPlay request) with a hard size cap
 * (functions/http/body.ts: `Content-Length` over the cap is refused before reading; a streamed body is counted and cut
 * off at the cap). An empty challenge is refused.
 */
import type { Context } from "../http/router";
import { readRequestBody } from "../http/body";
import { licenseError } from "./errors";

export async function readChallenge(c: Context, maxBytes: number): Promise<Buffer> {
  const challenge = await readRequestBody(c, maxBytes, {
    tooLarge: (max) => licenseError("CHALLENGE_TOO_LARGE", `License challenge exceeds ${max} bytes`),
  });
  if (challenge.length === 0) throw licenseError("CHALLENGE_MISSING", "The license challenge (request body) is empty");
  return challenge;
}
