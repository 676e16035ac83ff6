/**
 * FairPlay Streaming signalling for HLS: `#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://…",KEYFORMAT="com.apple.streamingkeydelivery",
 * KEYFORMATVERSIONS="1"` (Apple FairPlay Streaming and HLS authoring specification). FairPlay has no PSSH data and
 * no DASH ContentProtectionData; FairPlay with `cenc` is refused (it needs `cbcs`).
 */
import { KeyplaneError } from "../errors";
import { HLS_KEYFORMATS, type HlsKeyAttributes } from "./hls";

/** Checks the scheme is usable with FairPlay (only `cbcs`). */
export function assertFairPlayScheme(scheme: string): void {
  if (scheme !== "cbcs") {
    throw new KeyplaneError("FAIRPLAY_SCHEME", `FairPlay requires the cbcs scheme, not ${scheme}`, { status: 400 });
  }
}

/** HLS attributes for FairPlay; `uri` must be an `skd://` URI (often produced with expandTemplate). */
export function fairPlayHlsAttributes(uri: string, iv?: Buffer): HlsKeyAttributes {
  if (typeof uri !== "string" || !/^skd:\/\/./i.test(uri)) {
    throw new KeyplaneError(
      "HLS_ATTRIBUTE_INVALID",
      "Invalid HLS key attribute: a FairPlay key URI must start with skd://",
      { status: 400 },
    );
  }
  const a: HlsKeyAttributes = { method: "SAMPLE-AES", uri, keyformat: HLS_KEYFORMATS.fairplay, keyformatversions: "1" };
  if (iv !== undefined) a.iv = iv;
  return a;
}
