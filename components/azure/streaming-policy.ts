/** AmsStreamingPolicy: a validated `StreamingPolicySpec` -> `azure-native.media.StreamingPolicy`. */
import * as pulumi from "@pulumi/pulumi";
import * as media from "@pulumi/azure-native/media";
import {
  renderStreamingPolicy,
  streamingPolicyLabels,
  withKeyplaneUrls,
  type EncryptedScheme,
  type StreamingPolicySpec,
} from "./render";

export interface AmsStreamingPolicyArgs {
  /** Resource group of the Media Services account. */
  resourceGroupName: pulumi.Input<string>;
  /** The Media Services account the policy belongs to. */
  accountName: pulumi.Input<string>;
  /** The streaming policy: name, protocols and encryption per scheme (cenc, cbcs, envelope), in Keyplane's model. */
  spec: StreamingPolicySpec;
  /**
   * Base URL of a Keyplane key delivery (e.g. `AzureKeyDelivery.url`): licence and key URL templates AMS would
   * otherwise serve itself point there (`withKeyplaneUrls`).
   */
  keyDeliveryUrl?: pulumi.Input<string>;
}

export class AmsStreamingPolicy extends pulumi.ComponentResource {
  readonly resource: media.StreamingPolicy;
  readonly policyName: pulumi.Output<string>;
  /** Default-key label per encrypted scheme: what a locator's content keys reference. */
  readonly labels: Array<{ scheme: EncryptedScheme; label: string }>;

  constructor(name: string, args: AmsStreamingPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("keyplane:azure:AmsStreamingPolicy", name, {}, opts);
    // Throws AMS_STREAMING_POLICY_INVALID before anything is registered (with a stand-in base URL when one is wired).
    const shape = renderStreamingPolicy(
      args.keyDeliveryUrl === undefined ? args.spec : withKeyplaneUrls(args.spec, "https://keyplane.invalid"),
    );
    this.labels = streamingPolicyLabels(args.spec);
    type Shape = Omit<media.StreamingPolicyArgs, "resourceGroupName" | "accountName">;
    let resourceArgs: Shape = shape as Shape;
    if (args.keyDeliveryUrl !== undefined) {
      const rendered = pulumi
        .output(args.keyDeliveryUrl)
        .apply(
          (base) => renderStreamingPolicy(withKeyplaneUrls(args.spec, base)) as unknown as Record<string, unknown>,
        );
      resourceArgs = Object.fromEntries(Object.keys(shape).map((k) => [k, rendered.apply((r) => r[k])])) as Shape;
    }
    this.resource = new media.StreamingPolicy(
      name,
      { resourceGroupName: args.resourceGroupName, accountName: args.accountName, ...resourceArgs },
      { parent: this },
    );
    this.policyName = this.resource.name;
    this.registerOutputs({ policyName: this.policyName });
  }
}
