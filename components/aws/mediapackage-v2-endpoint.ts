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
  /**
   * Whether SCTE-35 messages are carried in the segments (`Scte.ScteInSegments`): NONE, ALL or MATCHES_FILTER.
   * Default: unset (MediaPackage's default, NONE).
   */
  inSegments?: Enum<"OriginEndpointScteInSegments">;
  /**
   * Non-ad SCTE-35 event types also treated as ads (`Scte.CustomAdTypes`), each at most once: PROGRAM, CHAPTER,
   * UNSCHEDULED_EVENT, ALTERNATE_CONTENT_OPPORTUNITY, NETWORK. Default: unset (none).
   */
  customAdTypes?: Enum<"OriginEndpointCustomAdType">[];
}

/**
 * What one endpoint's options look like once every Input is resolved (the checked part of `Mp2EndpointArgs`). Each
 * field means what the `Mp2EndpointArgs` field of the same name means; the rules are checked by `validateMp2Endpoint`.
 */
export interface Mp2EndpointOptions {
  /** Endpoint name, `[a-zA-Z0-9_-]{1,256}` (as `Mp2EndpointArgs.name`). */
  name: string;
  /** Container: CMAF, TS or ISM (as `Mp2EndpointArgs.container`). */
  container: Mp2Container;
  /** HLS manifests (CMAF, TS); default `["index"]` unless low-latency HLS manifests are given (as `Mp2EndpointArgs`). */
  hlsManifests?: (string | Mp2HlsManifestArgs)[];
  /** Low-latency HLS manifests (CMAF, TS); names unique across HLS and LL-HLS (as `Mp2EndpointArgs`). */
  lowLatencyHlsManifests?: (string | Mp2HlsManifestArgs)[];
  /** DASH manifests (CMAF only); default `["index"]` for CMAF unless LL-HLS manifests are given (as `Mp2EndpointArgs`). */
  dashManifests?: (string | Mp2DashManifestArgs)[];
  /** MSS manifests (ISM only); default `["index"]` for ISM (as `Mp2EndpointArgs.mssManifests`). */
  mssManifests?: (string | Mp2MssManifestArgs)[];
  /** Segment duration, 1..30 s. Default 6 (as `Mp2EndpointArgs.segmentDurationSeconds`). */
  segmentDurationSeconds?: number;
  /** Segment base name, `[a-zA-Z0-9_-]{1,256}` (as `Mp2EndpointArgs.segmentName`). */
  segmentName?: string;
  /** Add an I-frame-only stream (as `Mp2EndpointArgs.includeIframeOnlyStreams`). */
  includeIframeOnlyStreams?: boolean;
  /** SCTE-35 segment settings; not with ISM (as `Mp2EndpointArgs.scte`). */
  scte?: Mp2ScteArgs;
  /** TS only (as `Mp2EndpointArgs.tsUseAudioRenditionGroup`). */
  tsUseAudioRenditionGroup?: boolean;
  /** TS only (as `Mp2EndpointArgs.tsIncludeDvbSubtitles`). */
  tsIncludeDvbSubtitles?: boolean;
  /** Startover window, 60..1,209,600 s (as `Mp2EndpointArgs.startoverWindowSeconds`). */
  startoverWindowSeconds?: number;
  /**
   * STALE_MANIFEST, INCOMPLETE_MANIFEST, MISSING_DRM_KEY (needs encryption), SLATE_INPUT, each at most once (as
   * `Mp2EndpointArgs.forceEndpointErrorConditions`).
   */
  forceEndpointErrorConditions?: Enum<"OriginEndpointEndpointErrorCondition">[];
  /** Encryption without `resourceId` / `certificateArn`, which the component resolves apart (as `Mp2EndpointArgs`). */
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
