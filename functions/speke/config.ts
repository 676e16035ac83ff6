/**
 * SPEKE key server configuration (validated once at start-up; `{}` is a working configuration).
 * Templates accept `{kid}` (UUID), `{kid_hex}`, `{kid_b64url}`, `{content_id}` and `{base_url}` placeholders.
 */
import { z } from "zod";

export const spekeConfigSchema = z
  .object({
    /** Replace every requested KID with a deterministic one derived from (contentId, KID, period). Off by default. */
    kidOverride: z.boolean().default(false),
    /** URI written into HLS AES-128 / Clear Key signalling; points at our key delivery (`GET /hls/key/:kid`). */
    hlsKeyUrlTemplate: z.string().min(1).max(2048).default("{base_url}/hls/key/{kid}"),
    /** FairPlay `skd://` URI written into `#EXT-X-KEY`. */
    fairplaySkdTemplate: z.string().min(1).max(2048).default("skd://{kid}"),
    /** Public base URL of the key delivery service (replaces `{base_url}`). */
    publicBaseUrl: z.string().url().max(2048).default("http://127.0.0.1:8787"),
    playready: z
      .object({
        /** License acquisition URL put in the WRMHEADER (`LA_URL`). */
        laUrl: z.string().url().max(2048).optional(),
        /** License UI URL put in the WRMHEADER (`LUI_URL`). */
        luiUrl: z.string().url().max(2048).optional(),
        /** Force a WRMHEADER version; default: the lowest version able to express the request. */
        headerVersion: z.enum(["4.0.0.0", "4.1.0.0", "4.2.0.0", "4.3.0.0"]).optional(),
      })
      .strict()
      .prefault({}),
    widevine: z
      .object({
        /** `provider` field of the Widevine PSSH data (e.g. "widevine_test"). */
        provider: z.string().min(1).max(256).optional(),
      })
      .strict()
      .prefault({}),
    /** Upper bound of ContentKey elements per request (400 above). */
    maxContentKeys: z.number().int().min(1).max(4096).default(64),
    /** Upper bound of DRMSystem elements per key (400 above). */
    maxDrmSystems: z.number().int().min(1).max(256).default(16),
    /** Value of the `Speke-User-Agent` (v1) / `X-Speke-User-Agent` (v2) response header. */
    userAgent: z.string().min(1).max(256).default("Keyplane SPEKE"),
  })
  .strict();

export type SpekeConfig = z.infer<typeof spekeConfigSchema>;
export type SpekeConfigInput = z.input<typeof spekeConfigSchema>;

/** Parses (and defaults) a SPEKE configuration; throws a ZodError on bad input. */
export function parseSpekeConfig(input: SpekeConfigInput = {}): SpekeConfig {
  return spekeConfigSchema.parse(input);
}
