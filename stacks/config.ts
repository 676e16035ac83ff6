/**
 * Typed, validated stack configuration (`keyplane:*` keys of Pulumi.<stack>.yaml). Errors name the exact key, e.g.
 * `keyplane:aws.mediaPackage.rotationSeconds: must be >= 300`. Secrets (key seed, vendor credential, token key) are
 * never part of this parsed object: the program reads them with `requireSecret*` so they stay Pulumi secrets.
 */
import { KeyplaneError } from "keyplane/core";
import { z } from "zod";
import { awsSchema } from "./config-aws";
import { azureSchema } from "./config-azure";
import { contentProtectionSchema } from "./config-content-protection";

export { awsSchema } from "./config-aws";
export { azureSchema } from "./config-azure";
export { contentProtectionSchema } from "./config-content-protection";
export { mp1Presets } from "./config-mediapackage";

export const PROJECT = "keyplane";
export const COMPOSITIONS = ["aws-live", "aws-vendor", "azure-vod", "multi-cloud"] as const;
export type Composition = (typeof COMPOSITIONS)[number];

export const stackSettingsSchema = z
  .object({
    environment: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, "lowercase letters, digits and -"),
    composition: z.enum(COMPOSITIONS),
    tags: z.record(z.string(), z.string()).default({}),
    aws: awsSchema.optional(),
    azure: azureSchema.optional(),
    contentProtection: contentProtectionSchema.default(contentProtectionSchema.parse({})),
  })
  .superRefine((s, ctx) => {
    const needsAws = s.composition === "aws-live" || s.composition === "aws-vendor" || s.composition === "multi-cloud";
    const needsAzure = s.composition === "azure-vod" || s.composition === "multi-cloud";
    if (needsAws && !s.aws)
      ctx.addIssue({ code: "custom", path: ["aws"], message: `is required for composition ${s.composition}` });
    if (needsAzure && !s.azure)
      ctx.addIssue({ code: "custom", path: ["azure"], message: `is required for composition ${s.composition}` });
    if (s.composition === "aws-vendor" && s.aws && !s.aws.vendor)
      ctx.addIssue({ code: "custom", path: ["aws", "vendor"], message: "is required for composition aws-vendor" });
    if (needsAws && s.aws && !s.aws.mediaPackage && !s.aws.mediaPackageV1)
      ctx.addIssue({
        code: "custom",
        path: ["aws", "mediaPackage"],
        message: `is required for composition ${s.composition} (or aws.mediaPackageV1)`,
      });
    if ((s.composition === "aws-live" || s.composition === "multi-cloud") && s.aws && !s.aws.keyDelivery)
      ctx.addIssue({
        code: "custom",
        path: ["aws", "keyDelivery"],
        message: `is required for composition ${s.composition}`,
      });
    const cp = s.contentProtection;
    if (cp.restriction === "token") {
      if (!cp.issuer)
        ctx.addIssue({
          code: "custom",
          path: ["contentProtection", "issuer"],
          message: "is required for a token restriction",
        });
      if (!cp.audience)
        ctx.addIssue({
          code: "custom",
          path: ["contentProtection", "audience"],
          message: "is required for a token restriction",
        });
      if (cp.openIdConnectDiscoveryDocument && cp.tokenType === "Swt")
        ctx.addIssue({
          code: "custom",
          path: ["contentProtection", "openIdConnectDiscoveryDocument"],
          message: "applies to JWT only",
        });
    }
  });

export type StackSettings = z.infer<typeof stackSettingsSchema>;
export type AwsSettings = z.infer<typeof awsSchema>;
export type AzureSettings = z.infer<typeof azureSchema>;
export type ContentProtectionSettings = z.infer<typeof contentProtectionSchema>;

/** The config keys this schema reads (besides the secrets keySeed, tokenKey, vendorCredential). */
export const SETTINGS_KEYS = ["environment", "composition", "tags", "aws", "azure", "contentProtection"] as const;
/** Secret config keys (set with `pulumi config set --secret`). */
export const SECRET_KEYS = ["keySeed", "tokenKey", "vendorCredential", "spekePrivateKey"] as const;

/** `["aws","mediaPackage","endpoints",0,"name"]` -> `keyplane:aws.mediaPackage.endpoints[0].name`. */
export function configKeyPath(path: readonly PropertyKey[], project = PROJECT): string {
  const [head, ...rest] = path;
  let out = `${project}:${String(head ?? "")}`;
  for (const p of rest) out += typeof p === "number" ? `[${p}]` : `.${String(p)}`;
  return out;
}

/**
 * Validate raw settings (already JSON-decoded per key). Throws KeyplaneError `stack_config_invalid` whose message
 * lists one line per problem, each naming the full config key.
 */
export function parseStackSettings(raw: Record<string, unknown>, project = PROJECT): StackSettings {
  const unknownKeys = Object.keys(raw).filter(
    (k) => !(SETTINGS_KEYS as readonly string[]).includes(k) && !(SECRET_KEYS as readonly string[]).includes(k),
  );
  const r = stackSettingsSchema.safeParse(raw);
  const lines = unknownKeys.map(
    (k) => `${project}:${k}: unknown setting (known: ${[...SETTINGS_KEYS, ...SECRET_KEYS].join(", ")})`,
  );
  if (!r.success) {
    for (const issue of r.error.issues) {
      const message = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
      lines.push(`${configKeyPath(issue.path, project)}: ${message}`);
    }
  }
  if (lines.length > 0 || !r.success)
    throw new KeyplaneError("stack_config_invalid", lines.join("\n"), {
      detail: { keys: lines.map((l) => l.split(":").slice(0, 2).join(":")) },
    });
  return r.data;
}

/** Decode the flat `project:key` -> string map Pulumi hands a program into JSON values for `parseStackSettings`. */
export function rawSettingsFromConfig(all: Record<string, string>, project = PROJECT): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(all)) {
    if (!k.startsWith(`${project}:`)) continue;
    const key = k.slice(project.length + 1);
    if ((SECRET_KEYS as readonly string[]).includes(key)) continue;
    try {
      out[key] = JSON.parse(v) as unknown;
    } catch {
      out[key] = v;
    }
  }
  return out;
}
