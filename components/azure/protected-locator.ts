/**
 * AmsProtectedLocator: an asset plus a streaming locator with explicit content keys. KIDs are public (given, or
 * derived from asset name and label); each value is `KeySeed.contentKey(kid)`, the same key Keyplane's SPEKE server
 * and key delivery derive, computed inside an apply on the secret seed and kept secret.
 */
import * as pulumi from "@pulumi/pulumi";
import * as media from "@pulumi/azure-native/media";
import { KeyplaneError } from "../../functions/errors";
import { KeySeed } from "../../functions/keys/seed";
import { kidFromUuid } from "../../functions/keys/kid";
import { resolveLocatorKids, type LocatorKeySpec } from "./render";

export interface AmsProtectedLocatorArgs {
  /** Resource group of the Media Services account. */
  resourceGroupName: pulumi.Input<string>;
  /** The Media Services account. */
  accountName: pulumi.Input<string>;
  /** The asset name. */
  assetName: string;
  /** Create the asset (default true); false references an existing asset of that name. */
  createAsset?: boolean;
  /** Blob container of the created asset. Default: one named by Media Services. */
  assetContainer?: pulumi.Input<string>;
  /** Storage account of the created asset. Default: the account's primary storage. */
  assetStorageAccountName?: pulumi.Input<string>;
  /** Description of the created asset. */
  assetDescription?: pulumi.Input<string>;
  /** The streaming policy of the locator (one you created or a predefined one). */
  streamingPolicyName: pulumi.Input<string>;
  /** The content key policy of the locator's keys. Default: the streaming policy's. */
  defaultContentKeyPolicyName?: pulumi.Input<string>;
  /** The Keyplane key seed, base64 (at least 30 bytes). Pass a secret (`config.requireSecret`). */
  keySeed: pulumi.Input<string>;
  /** One key per streaming policy label (`cencDefaultKey`, `cbcsDefaultKey`, `aesDefaultKey` by default). */
  contentKeys: LocatorKeySpec[];
  /** When given, every content key label must be one of these (the streaming policy's labels). */
  policyLabels?: string[];
  /** Name of the streaming locator. Default: the component's name. */
  streamingLocatorName?: pulumi.Input<string>;
  /** Your own identifier for the locator (AMS `alternativeMediaId`), e.g. your catalogue's id for the title. */
  alternativeMediaId?: pulumi.Input<string>;
  /** ISO 8601 time from which the locator serves. Default: now. */
  startTime?: pulumi.Input<string>;
  /** ISO 8601 time after which the locator stops serving. Default: never. */
  endTime?: pulumi.Input<string>;
  /** The locator's GUID (it appears in streaming URLs). Default: one chosen by Media Services. */
  streamingLocatorId?: pulumi.Input<string>;
}

export class AmsProtectedLocator extends pulumi.ComponentResource {
  readonly asset?: media.Asset;
  readonly locator: media.StreamingLocator;
  /** The KIDs (UUIDs) with their labels, known at construction. */
  readonly keys: Array<{ label: string; kid: string }>;
  /** Key ids as AMS reports them (`listStreamingLocatorContentKeys`). */
  readonly contentKeyIds: pulumi.Output<string[]>;
  /** Streaming paths per protocol and scheme (`listStreamingLocatorPaths`). */
  readonly streamingPaths: pulumi.Output<
    Array<{ streamingProtocol: string; encryptionScheme: string; paths: string[] }>
  >;
  readonly downloadPaths: pulumi.Output<string[]>;

  constructor(name: string, args: AmsProtectedLocatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("keyplane:azure:AmsProtectedLocator", name, {}, opts);
    this.keys = resolveLocatorKids(args.assetName, args.contentKeys);
    if (args.policyLabels) {
      for (const k of this.keys) {
        if (!args.policyLabels.includes(k.label)) {
          throw new KeyplaneError(
            "AMS_LOCATOR_INVALID",
            `content key label "${k.label}" is not a label of the streaming policy (${args.policyLabels.join(", ")})`,
            { status: 400 },
          );
        }
      }
    }
    // A plain-text seed is checked now (clear error in preview); a secret Output is checked inside the apply.
    if (typeof args.keySeed === "string") KeySeed.fromBase64(args.keySeed);
    const { resourceGroupName, accountName } = args;

    let assetName: pulumi.Input<string> = args.assetName;
    if (args.createAsset !== false) {
      this.asset = new media.Asset(
        `${name}-asset`,
        {
          resourceGroupName,
          accountName,
          assetName: args.assetName,
          ...(args.assetContainer !== undefined ? { container: args.assetContainer } : {}),
          ...(args.assetStorageAccountName !== undefined ? { storageAccountName: args.assetStorageAccountName } : {}),
          ...(args.assetDescription !== undefined ? { description: args.assetDescription } : {}),
        },
        { parent: this },
      );
      assetName = this.asset.name;
    }

    const seed = pulumi.secret(args.keySeed);
    const contentKeys = this.keys.map((k) => ({
      id: k.kid,
      labelReferenceInStreamingPolicy: k.label,
      value: pulumi.secret(seed.apply((s) => KeySeed.fromBase64(s).contentKey(kidFromUuid(k.kid)).toString("base64"))),
    }));

    this.locator = new media.StreamingLocator(
      `${name}-locator`,
      {
        resourceGroupName,
        accountName,
        assetName,
        streamingPolicyName: args.streamingPolicyName,
        streamingLocatorName: args.streamingLocatorName ?? name,
        contentKeys,
        ...(args.defaultContentKeyPolicyName !== undefined
          ? { defaultContentKeyPolicyName: args.defaultContentKeyPolicyName }
          : {}),
        ...(args.alternativeMediaId !== undefined ? { alternativeMediaId: args.alternativeMediaId } : {}),
        ...(args.startTime !== undefined ? { startTime: args.startTime } : {}),
        ...(args.endTime !== undefined ? { endTime: args.endTime } : {}),
        ...(args.streamingLocatorId !== undefined ? { streamingLocatorId: args.streamingLocatorId } : {}),
      },
      { parent: this, additionalSecretOutputs: ["contentKeys"] },
    );

    const invokeArgs = { resourceGroupName, accountName, streamingLocatorName: this.locator.name };
    const paths = media.listStreamingLocatorPathsOutput(invokeArgs, { parent: this });
    const keys = media.listStreamingLocatorContentKeysOutput(invokeArgs, { parent: this });
    this.streamingPaths = paths.apply((p) =>
      (p.streamingPaths ?? []).map((s) => ({
        streamingProtocol: s.streamingProtocol,
        encryptionScheme: s.encryptionScheme,
        paths: s.paths ?? [],
      })),
    );
    this.downloadPaths = paths.apply((p) => p.downloadPaths ?? []);
    this.contentKeyIds = keys.apply((r) => (r.contentKeys ?? []).map((k) => k.id));
    this.registerOutputs({
      streamingPaths: this.streamingPaths,
      contentKeyIds: this.contentKeyIds,
      downloadPaths: this.downloadPaths,
    });
  }
}
