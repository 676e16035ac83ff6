/**
 * The channel group and channel of a MediaPackageV2Origin, each created or adopted (`existing`), with CMAF ingest's
 * MQCS options (input switching, CMSD headers) and the channel policy that lets the encoder roles push.
 */
import * as aws from "@pulumi/aws";
import * as awsNative from "@pulumi/aws-native";
import * as pulumi from "@pulumi/pulumi";
import { checkInput, isKnownNow, shown } from "../shared/inputs";
import { checkRoleArns, ingestPolicy } from "./mediapackage-access";
import type { MediaPackageV2OriginArgs } from "./mediapackage-v2-args";
import { NAME_RE } from "./mediapackage-v2-limits";

const C = "MediaPackageV2Origin";

function checkName(arg: string) {
  return (v: string): string => {
    if (typeof v !== "string" || !NAME_RE.test(v))
      throw new Error(`MediaPackageV2Origin: ${arg} ${shown(v)} must match ${NAME_RE}`);
    return v;
  };
}

export interface Mp2Channel {
  groupName: pulumi.Output<string>;
  channelName: pulumi.Output<string>;
  channelArn: pulumi.Output<string>;
  ingestEndpointUrls: pulumi.Output<string[]>;
}

/** Creates (or adopts) the channel group and channel of `args`, children of `opt.parent`. */
export function mp2ChannelResources(
  name: string,
  args: MediaPackageV2OriginArgs,
  tags: pulumi.Input<{ key: string; value: string }[]>,
  opt: { parent: pulumi.Resource },
): Mp2Channel {
  const inputType = checkInput(args.inputType ?? "HLS", (t) => {
    if (t !== "HLS" && t !== "CMAF") throw new Error(`${C}: inputType must be HLS or CMAF (got ${shown(t)})`);
    return t;
  });

  let groupName: pulumi.Output<string>;
  if (args.channelGroup?.existing) {
    groupName = checkInput(args.channelGroup.existing.name, checkName("channelGroup.existing.name"));
  } else {
    const wanted = checkInput(args.channelGroupName ?? name, checkName("channelGroupName"));
    const group = new awsNative.mediapackagev2.ChannelGroup(
      `${name}-group`,
      { channelGroupName: wanted, description: "Keyplane channel group", tags },
      opt,
    );
    groupName = group.channelGroupName;
  }
  let channelName: pulumi.Output<string>;
  let channelArn: pulumi.Output<string>;
  let ingestEndpointUrls: pulumi.Output<string[]>;
  if (args.channel?.existing) {
    channelName = checkInput(args.channel.existing.name, checkName("channel.existing.name"));
    const region = aws.getRegionOutput({}, opt);
    const identity = aws.getCallerIdentityOutput({}, opt);
    const arn = pulumi.interpolate`arn:${identity.arn.apply((a) => a.split(":")[1] ?? "aws")}:mediapackagev2:${region.region}:${identity.accountId}:channelGroup/${groupName}/channel/${channelName}`;
    channelArn = arn;
    ingestEndpointUrls = awsNative.mediapackagev2
      .getChannelOutput({ arn }, opt)
      .apply((c) => c.ingestEndpointUrls ?? []);
  } else {
    const wanted = checkInput(args.channelName ?? `${name}-channel`, checkName("channelName"));
    const ch = args.channel ?? {};
    const cmafOnly = (arg: string) => (t: string) => {
      if (t !== "CMAF")
        throw new Error(`${C}: ${arg} needs inputType CMAF (MQCS comes with CMAF ingest; got inputType ${shown(t)})`);
    };
    const inputSwitchConfiguration =
      ch.inputSwitching === undefined
        ? undefined
        : pulumi
            .all([
              checkInput(ch.inputSwitching, (v) => {
                if (!v || typeof v !== "object")
                  throw new Error(`${C}: channel.inputSwitching must be an object (got ${shown(v)})`);
                if (v.preferredInput !== undefined && v.preferredInput !== 1 && v.preferredInput !== 2)
                  throw new Error(
                    `${C}: channel.inputSwitching.preferredInput must be 1 or 2 (got ${shown(v.preferredInput)})`,
                  );
                return v;
              }),
              inputType,
            ])
            .apply(([v, t]) => {
              cmafOnly("channel.inputSwitching")(t);
              return {
                ...(v.mqcs !== undefined ? { mqcsInputSwitching: v.mqcs } : {}),
                ...(v.preferredInput !== undefined ? { preferredInput: v.preferredInput } : {}),
              };
            });
    const outputHeaderConfiguration =
      ch.publishMqcs === undefined
        ? undefined
        : pulumi
            .all([
              checkInput(ch.publishMqcs, (v) => {
                if (typeof v !== "boolean")
                  throw new Error(`${C}: channel.publishMqcs must be true or false (got ${shown(v)})`);
                return v;
              }),
              inputType,
            ])
            .apply(([v, t]) => {
              if (v) cmafOnly("channel.publishMqcs")(t);
              return { publishMqcs: v };
            });
    // Both checks also run synchronously when every value is known (plan-time message, no apply needed).
    if (isKnownNow(args.inputType)) {
      const t = (args.inputType ?? "HLS") as string;
      if (ch.inputSwitching !== undefined && isKnownNow(ch.inputSwitching)) cmafOnly("channel.inputSwitching")(t);
      if (ch.publishMqcs === true) cmafOnly("channel.publishMqcs")(t);
    }
    const channel = new awsNative.mediapackagev2.Channel(
      `${name}-channel`,
      {
        channelGroupName: groupName,
        channelName: wanted,
        inputType,
        ...(inputSwitchConfiguration ? { inputSwitchConfiguration } : {}),
        ...(outputHeaderConfiguration ? { outputHeaderConfiguration } : {}),
        description: "Keyplane channel",
        tags,
      },
      opt,
    );
    channelName = channel.channelName;
    channelArn = channel.arn;
    ingestEndpointUrls = channel.ingestEndpointUrls;
  }
  if (args.channel?.ingestRoleArns !== undefined) {
    const roles = checkRoleArns(C, "channel.ingestRoleArns", args.channel.ingestRoleArns);
    new awsNative.mediapackagev2.ChannelPolicy(
      `${name}-channel-policy`,
      {
        channelGroupName: groupName,
        channelName,
        policy: pulumi.all([channelArn, roles]).apply(([arn, r]) => ingestPolicy(arn, r)),
      },
      opt,
    );
  }

  return { groupName, channelName, channelArn, ingestEndpointUrls };
}
