/**
 * One MediaPackage v2 origin endpoint once its Inputs are resolved: the endpoint-level options (container, segments,
 * SCTE, startover, error conditions), `validateMp2Endpoint` (every rule, manifests and encryption included) and
 * `mp2EndpointInputs` (the `@pulumi/aws-native` `mediapackagev2.OriginEndpoint` inputs).
 */
import type * as awsNative from "@pulumi/aws-native";
import { shown } from "../shared/inputs";
import {
  checkMp2Encryption,
  mp2EncryptionInputs,
  type Mp2EncryptionOptions,
  type Mp2Speke,
} from "./mediapackage-v2-encryption";
import {
  Checker,
  ENUMS,
  MP2_SEGMENT_SECONDS,
  MP2_STARTOVER_SECONDS,
  NAME_RE,
  type Enum,
  type Mp2Container,
} from "./mediapackage-v2-limits";
import { checkMp2Manifests } from "./mediapackage-v2-manifest-rules";
import {
  dashArgs,
  defined,
  hlsArgs,
  mp2Manifests,
  mssArgs,
  type Mp2DashManifestArgs,
  type Mp2HlsManifestArgs,
  type Mp2MssManifestArgs,
} from "./mediapackage-v2-manifests";

export interface Mp2ScteArgs {
  /** SCTE-35 message types treated as ad markers. */
  filter?: Enum<"OriginEndpointScteFilter">[];
  inSegments?: Enum<"OriginEndpointScteInSegments">;
  customAdTypes?: Enum<"OriginEndpointCustomAdType">[];
}

/** What one endpoint's options look like once every Input is resolved (the checked part of `Mp2EndpointArgs`). */
export interface Mp2EndpointOptions {
  name: string;
  container: Mp2Container;
  hlsManifests?: (string | Mp2HlsManifestArgs)[];
  lowLatencyHlsManifests?: (string | Mp2HlsManifestArgs)[];
  dashManifests?: (string | Mp2DashManifestArgs)[];
  mssManifests?: (string | Mp2MssManifestArgs)[];
  segmentDurationSeconds?: number;
  segmentName?: string;
  includeIframeOnlyStreams?: boolean;
  scte?: Mp2ScteArgs;
  tsUseAudioRenditionGroup?: boolean;
  tsIncludeDvbSubtitles?: boolean;
  startoverWindowSeconds?: number;
  forceEndpointErrorConditions?: Enum<"OriginEndpointEndpointErrorCondition">[];
  encryption?: Mp2EncryptionOptions;
}

/** Checks every rule of one endpoint; throws with `MediaPackageV2Origin endpoint "<name>": <argument> <value> <rule>`. */
export function validateMp2Endpoint(e: Mp2EndpointOptions): void {
  const c = new Checker(`MediaPackageV2Origin endpoint "${e?.name}"`);
  if (!e || typeof e.name !== "string" || !NAME_RE.test(e.name))
    throw new Error(`${c.where}: name must match ${NAME_RE}`);
  if (!(ENUMS.container as readonly string[]).includes(e.container))
    throw new Error(`${c.where}: container must be CMAF, TS or ISM (got ${shown(e.container)})`);
  const seg = e.segmentDurationSeconds ?? 6;
  c.int("segmentDurationSeconds", e.segmentDurationSeconds, MP2_SEGMENT_SECONDS.min, MP2_SEGMENT_SECONDS.max);
  c.name("segmentName", e.segmentName);
  c.int("startoverWindowSeconds", e.startoverWindowSeconds, MP2_STARTOVER_SECONDS.min, MP2_STARTOVER_SECONDS.max);
  if (e.container !== "TS") {
    if (e.tsUseAudioRenditionGroup !== undefined)
      c.fail("tsUseAudioRenditionGroup", e.tsUseAudioRenditionGroup, `is a TS option (container is ${e.container})`);
    if (e.tsIncludeDvbSubtitles !== undefined)
      c.fail("tsIncludeDvbSubtitles", e.tsIncludeDvbSubtitles, `is a TS option (container is ${e.container})`);
  }
  if (e.scte !== undefined) {
    if (e.container === "ISM") c.fail("scte", e.scte, "is not available with the ISM container");
    c.list("scte.filter", e.scte.filter, ENUMS.scteFilter);
    c.oneOf("scte.inSegments", e.scte.inSegments, ENUMS.scteInSegments);
    c.list("scte.customAdTypes", e.scte.customAdTypes, ENUMS.customAdType);
  }
  c.list("forceEndpointErrorConditions", e.forceEndpointErrorConditions, ENUMS.errorCondition);
  if (e.forceEndpointErrorConditions?.includes("MISSING_DRM_KEY") && !e.encryption)
    c.fail(
      "forceEndpointErrorConditions",
      e.forceEndpointErrorConditions,
      "includes MISSING_DRM_KEY, which needs the endpoint's encryption",
    );
  checkMp2Manifests(c, e, seg);
  if (e.encryption) checkMp2Encryption(c, e.container, e.encryption);
}

/** The `mediapackagev2.OriginEndpoint` inputs of a validated endpoint (everything but names, group, channel, tags). */
export function mp2EndpointInputs(e: Mp2EndpointOptions, speke: Mp2Speke) {
  const m = mp2Manifests(e);
  const enc = e.encryption;
  const encryption = enc ? mp2EncryptionInputs(e.container, enc, speke) : undefined;
  const segment: awsNative.types.input.mediapackagev2.OriginEndpointSegmentArgs = defined({
    segmentDurationSeconds: e.segmentDurationSeconds ?? 6,
    segmentName: e.segmentName,
    includeIframeOnlyStreams: e.includeIframeOnlyStreams,
    tsUseAudioRenditionGroup: e.tsUseAudioRenditionGroup,
    tsIncludeDvbSubtitles: e.tsIncludeDvbSubtitles,
    scte: e.scte
      ? defined({ scteFilter: e.scte.filter, scteInSegments: e.scte.inSegments, customAdTypes: e.scte.customAdTypes })
      : undefined,
    encryption,
  });
  const list = <T>(l: T[]) => (l.length ? l : undefined);
  return {
    containerType: e.container as Enum<"OriginEndpointContainerType">,
    segment,
    hlsManifests: list(m.hls.map(hlsArgs)),
    lowLatencyHlsManifests: list(
      m.llHls.map(
        hlsArgs,
      ) as awsNative.types.input.mediapackagev2.OriginEndpointLowLatencyHlsManifestConfigurationArgs[],
    ),
    dashManifests: list(m.dash.map(dashArgs)),
    mssManifests: list(m.mss.map(mssArgs)),
    startoverWindowSeconds: e.startoverWindowSeconds,
    forceEndpointErrorConfiguration: e.forceEndpointErrorConditions
      ? { endpointErrorConditions: e.forceEndpointErrorConditions }
      : undefined,
  };
}
