/**
 * License proxy errors with stable codes. Messages never carry a token, a vendor credential or upstream bodies.
 * 401 comes from the token verifier (TOKEN_*); these cover the rest of the proxy.
 */
import { KeyplaneError } from "../errors";

export type LicenseErrorCode =
  | "LICENSE_VENDOR_UNKNOWN"
  | "NOT_ENTITLED"
  | "CHALLENGE_MISSING"
  | "CHALLENGE_TOO_LARGE"
  | "UPSTREAM_TIMEOUT"
  | "UPSTREAM_UNAVAILABLE"
  | "UPSTREAM_ERROR"
  | "UPSTREAM_RESPONSE_TOO_LARGE"
  | "LICENSE_CONFIG_INVALID"
  | "LICENSE_CREDENTIALS_UNAVAILABLE";

const STATUS: Record<LicenseErrorCode, number> = {
  LICENSE_VENDOR_UNKNOWN: 404,
  NOT_ENTITLED: 403,
  CHALLENGE_MISSING: 400,
  CHALLENGE_TOO_LARGE: 413,
  UPSTREAM_TIMEOUT: 504,
  UPSTREAM_UNAVAILABLE: 502,
  UPSTREAM_ERROR: 502,
  UPSTREAM_RESPONSE_TOO_LARGE: 502,
  LICENSE_CONFIG_INVALID: 500,
  LICENSE_CREDENTIALS_UNAVAILABLE: 500,
};

export function licenseError(code: LicenseErrorCode, message: string, detail?: Record<string, unknown>): KeyplaneError {
  const status = STATUS[code];
  return new KeyplaneError(code, message, {
    status,
    expose: status < 500 || status === 502 || status === 504,
    ...(detail ? { detail } : {}),
  });
}
