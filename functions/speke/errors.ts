/**
 * SPEKE's own errors: the exact v2 422 bodies MediaPackage and MediaConvert expect. Malformed CPIX documents are the
 * document format's 400s (cpix/errors.ts). Messages never carry key material; they may echo a KID (public).
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
