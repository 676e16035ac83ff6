/**
 * CPIX / SPEKE client errors. SPEKE answers them as `text/plain` bodies: the exact 422 strings MediaPackage and
 * MediaConvert expect, 400 with a short reason for anything else malformed, 413 above the size cap.
 * Messages never carry key material; they may echo a KID (public).
 */
import { KeyplaneError } from "../errors";

/** The exact SPEKE v2 422 bodies (AWS SPEKE v2 documentation, "Error handling"). */
export const SPEKE_422 = {
  missingContentId: "Missing CPIX@contentId",
  missingVersion: "Missing CPIX@version",
  unsupportedVersion: "Unsupported CPIX@version",
  missingScheme: (kid: string) => `Missing ContentKey@commonEncryptionScheme for KID ${kid}`,
  schemeCombination: "Non compliant ContentKey@commonEncryptionScheme combination",
  unsupportedSpekeVersion: "Unsupported SPEKE version",
} as const;

export function unprocessable(message: string): KeyplaneError {
  return new KeyplaneError("SPEKE_UNPROCESSABLE", message, { status: 422 });
}

export function badRequest(reason: string, detail?: Record<string, unknown>): KeyplaneError {
  return new KeyplaneError("CPIX_INVALID", reason, detail ? { status: 400, detail } : { status: 400 });
}

export function tooLarge(maxBytes: number): KeyplaneError {
  return new KeyplaneError("BODY_TOO_LARGE", `Request body exceeds ${maxBytes} bytes`, { status: 413 });
}
