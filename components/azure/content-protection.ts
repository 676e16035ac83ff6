/**
 * AzureContentProtection: one Media Services account (new, with its storage account, or existing), the content key
 * policies, the streaming policies and a protected locator per asset, all from one key seed shared with the AWS side.
 */
import * as pulumi from "@pulumi/pulumi";
import * as media from "@pulumi/azure-native/media";
import * as storage from "@pulumi/azure-native/storage";
import { KeyplaneError } from "../../functions/errors";
import { checkInput, checkOptional, shown } from "../shared/inputs";
import { parseContentKeyPolicy, type ContentKeyPolicy, type ContentKeyPolicyInput } from "../../functions/policy";
import { AmsContentKeyPolicy } from "./content-key-policy";
import { AmsProtectedLocator } from "./protected-locator";
import { AmsStreamingPolicy } from "./streaming-policy";
import { streamingPolicyLabels, type LocatorKeySpec, type StreamingPolicySpec } from "./render";

export type AmsAccountSpec =
  | { existing: { name: pulumi.Input<string> } }
  | {
      create: {
        /** Media Services account name (3-24 lowercase letters and digits); checked when known. */
        name: pulumi.Input<string>;
        /** An existing Standard storage account id; omit to create one. */
        storageAccountId?: pulumi.Input<string>;
        /** Name of the storage account to create (3-24 lowercase letters and digits); autonamed when omitted. */
        storageAccountName?: pulumi.Input<string>;
      };
    };

export interface AzureAssetSpec {
  /** Asset name. */
  name: string;
  /** Name of one of `streamingPolicies` (or of an existing policy, e.g. `Predefined_MultiDrmCencStreaming`). */
  streamingPolicy: string;
  /** Name of one of `contentKeyPolicies` (locator `defaultContentKeyPolicyName`). */
  contentKeyPolicy?: string;
  /** Keys; default one per label of the streaming policy with a derived KID. */
  keys?: LocatorKeySpec[];
  /** Reference an existing asset instead of creating one. */
  existingAsset?: boolean;
  alternativeMediaId?: string;
  locatorName?: string;
}

export interface AzureContentProtectionArgs {
  /** Resource group for the account (and the storage account it creates). */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of what is created. Default: the resource group's. */
  location?: pulumi.Input<string>;
  /** `{ existing: { name } }` to use an account you have, or `{ create: { name, storageAccountId?, storageAccountName? } }`. */
  account: AmsAccountSpec;
  /** Base64 key seed (secret), the same one the SPEKE server and key delivery use. */
  keySeed: pulumi.Input<string>;
  /** Content key policies in the shared model (functions/policy/model.ts), one AMS policy each. */
  contentKeyPolicies?: Array<ContentKeyPolicyInput | ContentKeyPolicy>;
  /** Streaming policies to create; assets may also name existing or predefined ones. */
  streamingPolicies?: StreamingPolicySpec[];
  /** Assets to publish, each with a streaming locator whose content keys derive from `keySeed`. */
  assets?: AzureAssetSpec[];
  /**
   * A Keyplane key delivery to point the streaming policies' licence and key URL templates at: an `AzureKeyDelivery`
   * (or anything with its base `url`, such as the AWS `KeyDeliveryApi`). One policy model, delivered by Keyplane.
   */
  keyDelivery?: { url: pulumi.Input<string> };
}

const ACCOUNT_NAME_RE = /^[a-z0-9]{3,24}$/;

function invalid(message: string): KeyplaneError {
  return new KeyplaneError("AMS_CONTENT_PROTECTION_INVALID", message, { status: 400 });
}

export class AzureContentProtection extends pulumi.ComponentResource {
  readonly accountName: pulumi.Output<string>;
  readonly mediaService?: media.MediaService;
  readonly storageAccount?: storage.StorageAccount;
  readonly contentKeyPolicies: Record<string, AmsContentKeyPolicy> = {};
  readonly streamingPolicies: Record<string, AmsStreamingPolicy> = {};
  readonly locators: Record<string, AmsProtectedLocator> = {};

  constructor(name: string, args: AzureContentProtectionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("keyplane:azure:AzureContentProtection", name, {}, opts);
    const { resourceGroupName } = args;
    const policies = (args.contentKeyPolicies ?? []).map((p) => parseContentKeyPolicy(p));
    const specs = args.streamingPolicies ?? [];
    this.checkCatalogue(policies, specs, args.assets ?? []);

    // ---- account
    let accountName: pulumi.Input<string>;
    if ("existing" in args.account) {
      accountName = args.account.existing.name;
    } else {
      const c = args.account.create;
      const amsName = checkInput(c.name, (n) => {
        if (typeof n !== "string" || !ACCOUNT_NAME_RE.test(n))
          throw invalid(
            `AzureContentProtection: account.create.name ${shown(n)} must be 3-24 lowercase letters and digits`,
          );
        return n;
      });
      let storageId = c.storageAccountId;
      if (storageId === undefined) {
        const storageName = checkOptional(c.storageAccountName, (n) => {
          if (typeof n !== "string" || !ACCOUNT_NAME_RE.test(n))
            throw invalid(
              `AzureContentProtection: account.create.storageAccountName ${shown(n)} must be 3-24 lowercase letters and digits`,
            );
          return n;
        });
        this.storageAccount = new storage.StorageAccount(
          `${name}-storage`,
          {
            resourceGroupName,
            ...(args.location !== undefined ? { location: args.location } : {}),
            ...(storageName !== undefined ? { accountName: storageName } : {}),
            kind: "StorageV2",
            sku: { name: "Standard_LRS" },
            enableHttpsTrafficOnly: true,
            minimumTlsVersion: "TLS1_2",
            allowBlobPublicAccess: false,
          },
          { parent: this },
        );
        storageId = this.storageAccount.id;
      }
      this.mediaService = new media.MediaService(
        `${name}-account`,
        {
          resourceGroupName,
          accountName: amsName,
          ...(args.location !== undefined ? { location: args.location } : {}),
          storageAccounts: [{ id: storageId, type: "Primary" }],
        },
        { parent: this },
      );
      accountName = this.mediaService.name;
    }
    this.accountName = pulumi.output(accountName);

    // ---- content key policies
    for (const p of policies) {
      this.contentKeyPolicies[p.name] = new AmsContentKeyPolicy(
        `${name}-ckp-${p.name}`,
        { resourceGroupName, accountName, policy: p },
        { parent: this },
      );
    }
    const ckpDeps = (names: Array<string | undefined>) =>
      names.filter((n): n is string => !!n && !!this.contentKeyPolicies[n]).map((n) => this.contentKeyPolicies[n]!);

    // ---- streaming policies (after the content key policies they name)
    for (const s of specs) {
      const deps = ckpDeps([
        s.defaultContentKeyPolicyName,
        s.cenc?.contentKeyPolicyName,
        s.cbcs?.contentKeyPolicyName,
        s.envelope?.contentKeyPolicyName,
      ]);
      this.streamingPolicies[s.name] = new AmsStreamingPolicy(
        `${name}-sp-${s.name}`,
        {
          resourceGroupName,
          accountName,
          spec: s,
          ...(args.keyDelivery ? { keyDeliveryUrl: args.keyDelivery.url } : {}),
        },
        { parent: this, dependsOn: deps },
      );
    }

    // ---- one protected locator per asset
    for (const a of args.assets ?? []) {
      const spec = specs.find((s) => s.name === a.streamingPolicy);
      const labels = spec ? streamingPolicyLabels(spec).map((l) => l.label) : undefined;
      const keys = a.keys ?? (labels ?? []).map((label) => ({ label }));
      const sp = this.streamingPolicies[a.streamingPolicy];
      this.locators[a.name] = new AmsProtectedLocator(
        `${name}-loc-${a.name}`,
        {
          resourceGroupName,
          accountName,
          assetName: a.name,
          createAsset: !a.existingAsset,
          streamingPolicyName: sp ? sp.policyName : a.streamingPolicy,
          ...(a.contentKeyPolicy
            ? { defaultContentKeyPolicyName: this.contentKeyPolicies[a.contentKeyPolicy]!.policyName }
            : {}),
          keySeed: args.keySeed,
          contentKeys: keys,
          ...(labels ? { policyLabels: labels } : {}),
          ...(a.alternativeMediaId !== undefined ? { alternativeMediaId: a.alternativeMediaId } : {}),
          streamingLocatorName: a.locatorName ?? `${a.name}-locator`,
        },
        { parent: this, dependsOn: [...(sp ? [sp] : []), ...ckpDeps([a.contentKeyPolicy])] },
      );
    }
    this.registerOutputs({ accountName: this.accountName });
  }

  private checkCatalogue(policies: ContentKeyPolicy[], specs: StreamingPolicySpec[], assets: AzureAssetSpec[]): void {
    const dupe = (xs: string[]) => xs.find((x, i) => xs.indexOf(x) !== i);
    const d1 = dupe(policies.map((p) => p.name));
    if (d1) throw invalid(`content key policy "${d1}" is declared twice`);
    const d2 = dupe(specs.map((s) => s.name));
    if (d2) throw invalid(`streaming policy "${d2}" is declared twice`);
    const d3 = dupe(assets.map((a) => a.name));
    if (d3) throw invalid(`asset "${d3}" is declared twice`);
    const known = new Set(policies.map((p) => p.name));
    const refs = (s: StreamingPolicySpec) => [
      s.defaultContentKeyPolicyName,
      s.cenc?.contentKeyPolicyName,
      s.cbcs?.contentKeyPolicyName,
      s.envelope?.contentKeyPolicyName,
    ];
    for (const s of specs)
      for (const r of refs(s))
        if (r && !known.has(r))
          throw invalid(`streaming policy "${s.name}" names content key policy "${r}", which is not declared`);
    for (const a of assets) {
      if (a.contentKeyPolicy && !known.has(a.contentKeyPolicy))
        throw invalid(`asset "${a.name}" names content key policy "${a.contentKeyPolicy}", which is not declared`);
      const spec = specs.find((s) => s.name === a.streamingPolicy);
      if (!spec && !a.streamingPolicy.startsWith("Predefined_"))
        throw invalid(
          `asset "${a.name}" names streaming policy "${a.streamingPolicy}", which is neither declared nor predefined`,
        );
      if (!spec && !a.keys?.length)
        throw invalid(`asset "${a.name}" uses ${a.streamingPolicy}: list its keys (label + optional kid) explicitly`);
      if (spec?.clear && !spec.cenc && !spec.cbcs && !spec.envelope)
        throw invalid(
          `asset "${a.name}": streaming policy "${spec.name}" is clear; a protected locator needs an encrypted scheme`,
        );
    }
  }
}
