/**
 * Token errors with stable codes. 401 = no usable token (missing, malformed, bad signature, expired, wrong iss/aud);
 * 403 = a valid token that does not grant this request (KID mismatch, uses exhausted, not entitled).
 * Messages never contain the token, a key or a claim value supplied by the caller.
 */
import { KeyplaneError } from "../errors";

export type TokenErrorCode =
  | "TOKEN_MISSING"
  | "TOKEN_MALFORMED"
  | "TOKEN_INVALID"
  | "TOKEN_EXPIRED"
  | "TOKEN_NOT_YET_VALID"
  | "TOKEN_CLAIM_INVALID"
  | "TOKEN_KID_MISMATCH"
  | "TOKEN_USES_EXHAUSTED"
  | "TOKEN_UNSUPPORTED";

const STATUS: Record<TokenErrorCode, number> = {
  TOKEN_MISSING: 401,
  TOKEN_MALFORMED: 401,
  TOKEN_INVALID: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_NOT_YET_VALID: 401,
  TOKEN_CLAIM_INVALID: 401,
  TOKEN_KID_MISMATCH: 403,
  TOKEN_USES_EXHAUSTED: 403,
  TOKEN_UNSUPPORTED: 401,
};

export function tokenError(code: TokenErrorCode, message: string, detail?: Record<string, unknown>): KeyplaneError {
  return new KeyplaneError(code, message, { status: STATUS[code], ...(detail ? { detail } : {}) });
}
