/**
 * The SPEKE request: a CPIX request document read under one SPEKE version. The version comes from the
 * `X-Speke-Version` header, never from the document; it decides which rules apply (validate.ts) and how the answer is
 * written (respond.ts).
 */
import type { CpixRequest } from "../cpix/model";
import { parseCpixRequest, type CpixParseLimits } from "../cpix/parse";
import { SPEKE_422, unprocessable } from "./errors";

/** `1.0` = no `X-Speke-Version` header (CPIX 2.0 profile, `CPIX@id`); `2.0` = CPIX 2.3; `2.1` = CPIX 2.4. */
export type SpekeVersion = "1.0" | "2.0" | "2.1";

/** The `CPIX@version` each SPEKE v2 version requires. */
export const CPIX_VERSION_FOR: Readonly<Record<Exclude<SpekeVersion, "1.0">, string>> = { "2.0": "2.3", "2.1": "2.4" };

export interface SpekeRequest extends CpixRequest {
  spekeVersion: SpekeVersion;
  /** `CPIX@contentId` (v2), or in v1 `CPIX@contentId` else `CPIX@id`. */
  contentId?: string;
}

/** Maps the `X-Speke-Version` header to a version; anything but absent, `2.0` or `2.1` is a 422. */
export function resolveSpekeVersion(header: string | undefined): SpekeVersion {
  if (header === undefined) return "1.0";
  const v = header.trim();
  if (v === "2.0") return "2.0";
  if (v === "2.1") return "2.1";
  throw unprocessable(SPEKE_422.unsupportedSpekeVersion);
}

/** Parses a request body (cpix/parse.ts: 400/413 on a malformed document) as a request of `spekeVersion`. */
export function readSpekeRequest(
  body: string | Uint8Array,
  spekeVersion: SpekeVersion,
  limits: CpixParseLimits = {},
): SpekeRequest {
  const doc = parseCpixRequest(body, limits);
  const req: SpekeRequest = { ...doc, spekeVersion };
  // SPEKE v1 names the content by CPIX@id when CPIX@contentId is absent.
  if (spekeVersion === "1.0" && doc.contentId === undefined && doc.id !== undefined) req.contentId = doc.id;
  return req;
}
