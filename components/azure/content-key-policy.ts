/**
 * AmsContentKeyPolicy: the shared content key policy model -> `azure-native.media.ContentKeyPolicy`.
 * Secrets (FairPlay ASK/PFX/password, symmetric token keys) are `pulumi.secret` inputs and `additionalSecretOutputs`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as media from "@pulumi/azure-native/media";
import type { ContentKeyPolicy, ContentKeyPolicyInput } from "../../functions/policy";
import { policyHasSecrets, renderContentKeyPolicy, wrapSecrets } from "./render";

export interface AmsContentKeyPolicyArgs {
  /** Resource group of the Media Services account. */
  resourceGroupName: pulumi.Input<string>;
  /** The Media Services account the policy belongs to. */
  accountName: pulumi.Input<string>;
  /**
   * The policy in the shared model (functions/policy/model.ts). Plain data is validated while the program runs, so
   * errors show in `pulumi preview`; an Output (e.g. built from secret config) is validated inside an apply and its
   * whole `options` are kept secret.
   */
  policy: ContentKeyPolicyInput | ContentKeyPolicy | pulumi.Output<ContentKeyPolicyInput>;
}

export class AmsContentKeyPolicy extends pulumi.ComponentResource {
  /** The ARM resource. */
  readonly resource: media.ContentKeyPolicy;
  /** The content key policy name (what streaming policies and locators reference). */
  readonly policyName: pulumi.Output<string>;
  /** The AMS policy id (GUID). */
  readonly policyId: pulumi.Output<string>;

  constructor(name: string, args: AmsContentKeyPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("keyplane:azure:AmsContentKeyPolicy", name, {}, opts);
    let options: media.ContentKeyPolicyArgs["options"];
    let description: pulumi.Input<string> | undefined;
    let policyName: pulumi.Input<string>;
    let secrets: boolean;
    if (pulumi.Output.isInstance(args.policy)) {
      const rendered = (args.policy as pulumi.Output<ContentKeyPolicyInput>).apply((p) => renderContentKeyPolicy(p));
      options = pulumi.secret(rendered.apply((r) => r.options)) as unknown as media.ContentKeyPolicyArgs["options"];
      description = rendered.apply((r) => r.description ?? "");
      policyName = rendered.apply((r) => r.policy.name);
      secrets = true;
    } else {
      const r = renderContentKeyPolicy(args.policy);
      secrets = policyHasSecrets(r.policy);
      options = wrapSecrets(r.options, (v) => pulumi.secret(v)) as media.ContentKeyPolicyArgs["options"];
      description = r.description;
      policyName = r.policy.name;
    }
    this.resource = new media.ContentKeyPolicy(
      name,
      {
        resourceGroupName: args.resourceGroupName,
        accountName: args.accountName,
        contentKeyPolicyName: policyName,
        ...(description !== undefined ? { description } : {}),
        options,
      },
      { parent: this, ...(secrets ? { additionalSecretOutputs: ["options"] } : {}) },
    );
    this.policyName = this.resource.name;
    this.policyId = this.resource.policyId;
    this.registerOutputs({ policyName: this.policyName, policyId: this.policyId });
  }
}
