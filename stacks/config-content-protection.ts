/**
 * The cloud-neutral content protection section (`keyplane:contentProtection`): the restriction, token issuer and
 * audience, token type and lifetime, DRM systems and their security levels (the content key policy: stacks/policy.ts).
 */
import { z } from "zod";
import { httpsUrl } from "./config-fields";

export const contentProtectionSchema = z.object({
  /** "token" (default) or "open" (dev only: the policy pack refuses it elsewhere). */
  restriction: z.enum(["token", "open"]).default("token"),
  issuer: z.string().min(1, "must not be empty").optional(),
  audience: z.string().min(1, "must not be empty").optional(),
  tokenType: z.enum(["Jwt", "Swt"]).default("Jwt"),
  /** JWT verification by OpenID Connect discovery (no key in config); otherwise the secret `keyplane:tokenKey` (base64, >= 32 bytes). */
  openIdConnectDiscoveryDocument: httpsUrl.optional(),
  maxTokenLifetimeSeconds: z.number().int().min(60, "must be >= 60").max(86400, "must be <= 86400").default(3600),
  drm: z
    .array(z.enum(["ClearKey", "Widevine", "PlayReady"]))
    .min(1, "must list at least one DRM")
    .default(["ClearKey", "Widevine", "PlayReady"]),
  playReadySecurityLevel: z.enum(["SL150", "SL2000", "SL3000"]).default("SL2000"),
  playReadyAllowTestDevices: z.boolean().default(false),
  widevineSecurityLevel: z.number().int().min(1, "must be 1..5").max(5, "must be 1..5").default(1),
});
