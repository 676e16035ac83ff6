/**
 * SPEKE key server configuration (validated once at start-up; `{}` is a working configuration).
 * Templates accept `{kid}` (UUID), `{kid_hex}`, `{kid_b64url}`, `{content_id}` and `{base_url}` placeholders.
 */
import * as z from "../zod";

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const url = z.url().check(z.maxLength(2048));
const int = (min: number, max: number) => z.number().check(z.int(), z.minimum(min), z.maximum(max));

export const spekeConfigSchema = z.strictObject({
  /** Replace every requested KID with a deterministic one derived from (contentId, KID, period). Off by default. */
  kidOverride: z._default(z.boolean(), false),
  /** Key URI for HLS AES-128 / Clear Key signalling (our `GET /hls/key/:kid`). Default `{base_url}/hls/key/{kid}`. */
  hlsKeyUrlTemplate: z._default(text(2048), "{base_url}/hls/key/{kid}"),
  /** FairPlay `skd://` URI written into `#EXT-X-KEY`. Default `skd://{kid}`. */
  fairplaySkdTemplate: z._default(text(2048), "skd://{kid}"),
  /** Public base URL of the key delivery service (replaces `{base_url}`). Default `http://127.0.0.1:8787`. */
  publicBaseUrl: z._default(url, "http://127.0.0.1:8787"),
  /** PlayReady: fields of the WRMHEADER written into the PSSH (`laUrl`, `luiUrl`, `headerVersion`). */
  playready: z.prefault(
    z.strictObject({
      /** License acquisition URL put in the WRMHEADER (`LA_URL`). */
      laUrl: z.optional(url),
      /** License UI URL put in the WRMHEADER (`LUI_URL`). */
      luiUrl: z.optional(url),
      /** Force a WRMHEADER version; default: the lowest version able to express the request. */
      headerVersion: z.optional(z.enum(["4.0.0.0", "4.1.0.0", "4.2.0.0", "4.3.0.0"])),
    }),
    {},
  ),
  /** Widevine: what goes into the Widevine PSSH data (`provider`). */
  widevine: z.prefault(
    z.strictObject({
      /** `provider` field of the Widevine PSSH data (e.g. "widevine_test"). */
      provider: z.optional(text(256)),
    }),
    {},
  ),
  /** Upper bound of ContentKey elements per request (400 above): 1–4096, default 64. */
  maxContentKeys: z._default(int(1, 4096), 64),
  /** Upper bound of DRMSystem elements per key (400 above): 1–256, default 16. */
  maxDrmSystems: z._default(int(1, 256), 16),
  /** Value of the `Speke-User-Agent` (v1) / `X-Speke-User-Agent` (v2) response header. Default `Keyplane SPEKE`. */
  userAgent: z._default(text(256), "Keyplane SPEKE"),
});

export type SpekeConfig = z.infer<typeof spekeConfigSchema>;
export type SpekeConfigInput = z.input<typeof spekeConfigSchema>;

/** Parses (and defaults) a SPEKE configuration; throws a ZodError on bad input. */
export function parseSpekeConfig(input: SpekeConfigInput = {}): SpekeConfig {
  return spekeConfigSchema.parse(input);
}
