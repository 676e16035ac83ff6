/** The Azure section of the stack configuration (`keyplane:azure`): resource group, Media Services account, license URLs, assets. */
import { z } from "zod";
import { httpsUrl, name } from "./config-fields";

export const azureSchema = z.object({
  resourceGroupName: z.string().min(1).max(90),
  location: z.string().min(1).optional(),
  account: z.union([
    z.object({ create: z.object({ name: z.string().regex(/^[a-z0-9]{3,24}$/, "3-24 lowercase letters and digits") }) }),
    z.object({ existing: z.object({ name: z.string().min(1) }) }),
  ]),
  /** License / key URLs players use (AMS custom acquisition URL templates); default: the AMS-issued licenses. */
  licenseUrls: z
    .object({ playReady: httpsUrl.optional(), widevine: httpsUrl.optional(), clearKey: httpsUrl.optional() })
    .default({}),
  assets: z
    .array(
      z.object({
        name: name(260),
        existingAsset: z.boolean().default(false),
        alternativeMediaId: z.string().optional(),
      }),
    )
    .min(1, "must list at least one asset"),
});
