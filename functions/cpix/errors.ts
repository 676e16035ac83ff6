/**
 * CPIX document errors: 400 with a short reason for a malformed document, 413 above the size cap. SPEKE answers them
 * as `text/plain` bodies; its own 422s are in speke/errors.ts. Messages never carry key material; they may echo a KID
 * (public).
 */
import { KeyplaneError } from "../errors";

export function badRequest(reason: string, detail?: Record<string, unknown>): KeyplaneError {
  return new KeyplaneError("CPIX_INVALID", reason, detail ? { status: 400, detail } : { status: 400 });
}

/** 413 above the size cap: the core's one BODY_TOO_LARGE. */
export { bodyTooLarge as tooLarge } from "../errors";
