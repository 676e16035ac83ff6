/**
 * Test harness (not a test file): Pulumi mocks that record every registered resource (type, name, inputs, options
 * seen by a transformation) and every invoke, and answer the two AMS list invokes by token.
 */
import * as pulumi from "@pulumi/pulumi";

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}
export interface RecordedCall {
  token: string;
  inputs: Record<string, unknown>;
}

export const recorded = {
  resources: [] as RecordedResource[],
  calls: [] as RecordedCall[],
  opts: [] as Array<{ type: string; name: string; opts: pulumi.CustomResourceOptions }>,
};

const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** True when a mock input arrived as a Pulumi secret (the wire form keeps the secret signature). */
export function isSecretValue(v: unknown): boolean {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}
/** Strips secret wrappers, recursively. */
export function reveal(v: unknown): unknown {
  if (isSecretValue(v)) return reveal((v as { value: unknown }).value);
  if (Array.isArray(v)) return v.map(reveal);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, reveal(x)]));
  return v;
}

const NAME_INPUT: Record<string, string> = {
  "azure-native:media:ContentKeyPolicy": "contentKeyPolicyName",
  "azure-native:media:StreamingPolicy": "streamingPolicyName",
  "azure-native:media:StreamingLocator": "streamingLocatorName",
  "azure-native:media:Asset": "assetName",
  "azure-native:media:MediaService": "accountName",
  "azure-native:storage:StorageAccount": "accountName",
};

export async function installMocks(): Promise<void> {
  recorded.resources.length = 0;
  recorded.calls.length = 0;
  recorded.opts.length = 0;
  await pulumi.runtime.setMocks(
    {
      newResource(args: pulumi.runtime.MockResourceArgs) {
        recorded.resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        const nameKey = NAME_INPUT[args.type];
        const name = reveal(nameKey ? args.inputs[nameKey] : undefined) ?? args.name;
        const extra: Record<string, unknown> = {};
        if (args.type === "azure-native:media:ContentKeyPolicy")
          extra.policyId = "11111111-2222-3333-4444-555555555555";
        return { id: `${args.name}-id`, state: { ...args.inputs, ...extra, name } };
      },
      call(args: pulumi.runtime.MockCallArgs) {
        recorded.calls.push({ token: args.token, inputs: args.inputs });
        const locatorName = String(reveal(args.inputs.streamingLocatorName));
        const locator = recorded.resources.find(
          (r) =>
            r.type === "azure-native:media:StreamingLocator" && reveal(r.inputs.streamingLocatorName) === locatorName,
        );
        if (args.token === "azure-native:media:listStreamingLocatorPaths") {
          return {
            streamingPaths: [
              {
                streamingProtocol: "Dash",
                encryptionScheme: "CommonEncryptionCenc",
                paths: [`/${locatorName}/video.ism/manifest(format=mpd-time-csf,encryption=cenc)`],
              },
              {
                streamingProtocol: "Hls",
                encryptionScheme: "CommonEncryptionCbcs",
                paths: [`/${locatorName}/video.ism/manifest(format=m3u8-cmaf,encryption=cbcs-aapl)`],
              },
            ],
            downloadPaths: [],
          };
        }
        if (args.token === "azure-native:media:listStreamingLocatorContentKeys") {
          const keys =
            (reveal(locator?.inputs.contentKeys) as
              | Array<{ id: string; labelReferenceInStreamingPolicy: string }>
              | undefined) ?? [];
          return {
            contentKeys: keys.map((k) => ({
              id: k.id,
              labelReferenceInStreamingPolicy: k.labelReferenceInStreamingPolicy,
              policyName: "p",
              tracks: [],
              type: "CommonEncryptionCenc",
            })),
          };
        }
        throw new Error(`unexpected invoke ${args.token}`);
      },
    },
    "keyplane",
    "test",
    true,
  );
}

/** A transformation that records the options each child resource is registered with. */
export const recordOptions: pulumi.ResourceTransformation = (a) => {
  recorded.opts.push({ type: a.type, name: a.name, opts: a.opts as pulumi.CustomResourceOptions });
  return undefined;
};

export function promiseOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) =>
    o.apply((v) => {
      resolve(v);
      return v;
    }),
  );
}

export function resourcesOfType(type: string): RecordedResource[] {
  return recorded.resources.filter((r) => r.type === type);
}
