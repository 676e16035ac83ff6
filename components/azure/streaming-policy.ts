/** AmsStreamingPolicy: a validated `StreamingPolicySpec` -> `azure-native.media.StreamingPolicy`. */
import * as pulumi from "@pulumi/pulumi";
import * as media from "@pulumi/azure-native/media";
import { renderStreamingPolicy, streamingPolicyLabels, type EncryptedScheme, type StreamingPolicySpec } from "./render";

export interface AmsStreamingPolicyArgs {
  resourceGroupName: pulumi.Input<string>;
  accountName: pulumi.Input<string>;
  spec: StreamingPolicySpec;
}

export class AmsStreamingPolicy extends pulumi.ComponentResource {
  readonly resource: media.StreamingPolicy;
  readonly policyName: pulumi.Output<string>;
  /** Default-key label per encrypted scheme: what a locator's content keys reference. */
  readonly labels: Array<{ scheme: EncryptedScheme; label: string }>;

  constructor(name: string, args: AmsStreamingPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("keyplane:azure:AmsStreamingPolicy", name, {}, opts);
    const shape = renderStreamingPolicy(args.spec); // throws AMS_STREAMING_POLICY_INVALID before anything is registered
    this.labels = streamingPolicyLabels(args.spec);
    this.resource = new media.StreamingPolicy(
      name,
      { resourceGroupName: args.resourceGroupName, accountName: args.accountName, ...(shape as Omit<media.StreamingPolicyArgs, "resourceGroupName" | "accountName">) },
      { parent: this },
    );
    this.policyName = this.resource.name;
    this.registerOutputs({ policyName: this.policyName });
  }
}
