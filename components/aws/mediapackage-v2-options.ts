/**
 * MediaPackage v2 origin endpoint options: the argument types, the rules AWS applies to them (checked before AWS sees
 * them, each message naming the endpoint, the argument and the value) and their mapping onto the
 * `@pulumi/aws-native` `mediapackagev2.OriginEndpoint` inputs of the pinned version.
 *
 * Ranges and rules come from the MediaPackage v2 API reference (botocore model `mediapackagev2/2022-12-25`: Segment,
 * Encryption, FilterConfiguration, Create*ManifestConfiguration, CreateOriginEndpointRequest), the MediaPackage v2
 * user guide ("Container and DRM system support with SPEKE", "MSS encryption and DRM") and the field notes of the
 * aws-native / CloudFormation schema. docs/mediapackage.md lists each option with its range and page.
 */
import type * as awsNative from "@pulumi/aws-native";
import { shown } from "../shared/inputs";
import {
  assertDrmSystems,
  assertPresets,
  v2AudioPreset,
  v2VideoPreset,
  type AudioPreset,
  type Mp2DrmSystem,
  type VideoPreset,
} from "./mediapackage-encryption";

type In = awsNative.types.input.mediapackagev2.OriginEndpointHlsManifestConfigurationArgs;
type E = typeof awsNative.types.enums.mediapackagev2;
type Enum<K extends keyof E> = E[K][keyof E[K]];

export type Mp2Container = "CMAF" | "TS" | "ISM";
export type Mp2Method = "CENC" | "CBCS" | "AES_128" | "SAMPLE_AES";

export const MP2_MIN_KEY_ROTATION_SECONDS = 300;
export const MP2_MAX_KEY_ROTATION_SECONDS = 31_536_000;
/** Segment duration (API Segment.SegmentDurationSeconds: 1..30). */
export const MP2_SEGMENT_SECONDS = { min: 1, max: 30 } as const;
/** Startover window (CreateOriginEndpointRequest.StartoverWindowSeconds: 60..1,209,600 = 14 days). */
export const MP2_STARTOVER_SECONDS = { min: 60, max: 1_209_600 } as const;
/** Filter time delay (FilterConfiguration.TimeDelaySeconds: 0..1,209,600). */
export const MP2_TIME_DELAY_SECONDS = { min: 0, max: 1_209_600 } as const;
/** Program date time interval (Create(LowLatency)HlsManifestConfiguration: 1..1,209,600). */
export const MP2_PDT_SECONDS = { min: 1, max: 1_209_600 } as const;
/** Manifest window (HLS, LL-HLS, DASH, MSS: minimum 30; no maximum in the API). */
export const MP2_MIN_MANIFEST_WINDOW_SECONDS = 30;

export const NAME_RE = /^[a-zA-Z0-9_-]{1,256}$/;

/** Filter configuration of one manifest (FilterConfiguration). Timestamps are ISO 8601 strings. */
export interface Mp2FilterArgs {
  /** Manifest filter expression, e.g. `video_height:1-1080;audio_language:fr` (1..1024 characters). */
  manifestFilter?: string;
  /** Delay in seconds applied to every request of this manifest (0..1,209,600; smaller than the startover window). */
  timeDelaySeconds?: number;
  start?: string;
  end?: string;
  /** Not together with start/end. */
  clipStartTime?: string;
  /** DRM settings, e.g. `exclude_session_keys`. */
  drmSettings?: string;
}

export interface Mp2StartTagArgs {
  /** EXT-X-START TIME-OFFSET in seconds: positive < window - 3 x segment; negative with 3 x segment < |offset| < window. */
  timeOffset: number;
  precise?: boolean;
}

export interface Mp2HlsManifestArgs {
  /** Manifest name (`[a-zA-Z0-9_-]{1,256}`), unique within its list and across HLS and LL-HLS (both `.m3u8`). */
  name: string;
  childManifestName?: string;
  /** Manifest window, at least 30 s. */
  manifestWindowSeconds?: number;
  /** EXT-X-PROGRAM-DATE-TIME interval, 1..1,209,600 s (needed by DATERANGE ad markers). */
  programDateTimeIntervalSeconds?: number;
  /** SCTE-35 ad markers: DATERANGE or SCTE35_ENHANCED. */
  adMarkers?: Enum<"OriginEndpointAdMarkerHls">;
  scteInManifests?: Enum<"OriginEndpointScteInManifests">;
  startTag?: Mp2StartTagArgs;
  urlEncodeChildManifest?: boolean;
  filter?: Mp2FilterArgs;
}

export interface Mp2DashManifestArgs {
  name: string;
  manifestWindowSeconds?: number;
  /** 1..3600 s. */
  minUpdatePeriodSeconds?: number;
  /** 0..3600 s. */
  minBufferTimeSeconds?: number;
  /** 0..3600 s. */
  suggestedPresentationDelaySeconds?: number;
  segmentTemplateFormat?: Enum<"OriginEndpointDashSegmentTemplateFormat">;
  /** At most 100. */
  periodTriggers?: Enum<"OriginEndpointDashPeriodTrigger">[];
  /** How the MPD signals DRM (needs encryption). */
  drmSignaling?: Enum<"OriginEndpointDashDrmSignaling">;
  /** UTC timing; UTC_DIRECT takes no source. Source 1..1024 characters. */
  utcTiming?: { mode?: Enum<"OriginEndpointDashUtcTimingMode">; source?: string };
  profiles?: Enum<"OriginEndpointDashProfile">[];
  /** DVB-DASH only (profiles: ["DVB_DASH"]). */
  dvbSettings?: awsNative.types.input.mediapackagev2.OriginEndpointDashDvbSettingsArgs;
  /** At most 20; dvbPriority/dvbWeight need the DVB_DASH profile. */
  baseUrls?: { url: string; serviceLocation?: string; dvbPriority?: number; dvbWeight?: number }[];
  compactness?: Enum<"OriginEndpointDashCompactness">;
  programInformation?: {
    title?: string;
    source?: string;
    copyright?: string;
    languageCode?: string;
    moreInformationUrl?: string;
  };
  ttmlProfile?: Enum<"OriginEndpointDashTtmlProfile">;
  /** SCTE-35 markers in the MPD: BINARY or XML. */
  adMarkers?: Enum<"OriginEndpointAdMarkerDash">;
  scteInManifests?: Enum<"OriginEndpointScteInManifests">;
  filter?: Mp2FilterArgs;
}

export interface Mp2MssManifestArgs {
  name: string;
  manifestWindowSeconds?: number;
  layout?: Enum<"OriginEndpointMssManifestLayout">;
  filter?: Mp2FilterArgs;
}

export interface Mp2ScteArgs {
  /** SCTE-35 message types treated as ad markers. */
  filter?: Enum<"OriginEndpointScteFilter">[];
  inSegments?: Enum<"OriginEndpointScteInSegments">;
  customAdTypes?: Enum<"OriginEndpointCustomAdType">[];
}

export interface Mp2EncryptionOptions {
  drmSystems: Mp2DrmSystem[];
  /** CMAF: CENC or CBCS. TS: AES_128 (Clear Key AES-128) or SAMPLE_AES (FairPlay). ISM: CENC (PlayReady). */
  method: Mp2Method;
  videoPreset: VideoPreset;
  audioPreset: AudioPreset;
  /** 300..31,536,000 s. Default 300 for CMAF/TS; ISM takes none. */
  keyRotationIntervalSeconds?: number;
  /** 32 hexadecimal characters (16 bytes). Not with ISM. */
  constantInitializationVector?: string;
  /** CMAF only: leave SEIG and SGPD boxes out of segments. */
  excludeSegmentDrmMetadata?: boolean;
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

const ENUMS = {
  container: ["CMAF", "TS", "ISM"],
  adMarkerHls: ["DATERANGE", "SCTE35_ENHANCED"],
  adMarkerDash: ["BINARY", "XML"],
  scteInManifests: ["ALL", "MATCHES_FILTER"],
  scteInSegments: ["NONE", "ALL", "MATCHES_FILTER"],
  scteFilter: [
    "SPLICE_INSERT",
    "BREAK",
    "PROVIDER_ADVERTISEMENT",
    "DISTRIBUTOR_ADVERTISEMENT",
    "PROVIDER_PLACEMENT_OPPORTUNITY",
    "DISTRIBUTOR_PLACEMENT_OPPORTUNITY",
    "PROVIDER_OVERLAY_PLACEMENT_OPPORTUNITY",
    "DISTRIBUTOR_OVERLAY_PLACEMENT_OPPORTUNITY",
    "PROGRAM",
    "CHAPTER",
    "UNSCHEDULED_EVENT",
    "ALTERNATE_CONTENT_OPPORTUNITY",
    "NETWORK",
    "PROVIDER_PROMO",
    "DISTRIBUTOR_PROMO",
    "PROVIDER_AD_BLOCK",
    "DISTRIBUTOR_AD_BLOCK",
    "CONTENT_IDENTIFICATION",
    "CALL_AD_SERVER",
  ],
  customAdType: ["PROGRAM", "CHAPTER", "UNSCHEDULED_EVENT", "ALTERNATE_CONTENT_OPPORTUNITY", "NETWORK"],
  periodTrigger: ["AVAILS", "DRM_KEY_ROTATION", "SOURCE_CHANGES", "SOURCE_DISRUPTIONS", "NONE"],
  segmentTemplateFormat: ["NUMBER_WITH_TIMELINE"],
  drmSignaling: ["INDIVIDUAL", "REFERENCED"],
  utcTimingMode: ["HTTP_HEAD", "HTTP_ISO", "HTTP_XSDATE", "UTC_DIRECT"],
  profile: ["DVB_DASH"],
  compactness: ["STANDARD", "NONE"],
  ttmlProfile: ["IMSC_1", "EBU_TT_D_101"],
  mssLayout: ["FULL", "COMPACT"],
  errorCondition: ["STALE_MANIFEST", "INCOMPLETE_MANIFEST", "MISSING_DRM_KEY", "SLATE_INPUT"],
} as const;

/**
 * Which DRM systems MediaPackage v2 accepts per container and method (MediaPackage v2 user guide, "Container and DRM
 * system support with SPEKE": TS SAMPLE-AES FairPlay, TS AES-128 Clear Key; CMAF cbcs FairPlay/Widevine/PlayReady,
 * cenc Widevine/PlayReady/Irdeto; "MSS encryption and DRM": ISM CENC PlayReady only).
 */
export function mp2AllowedSystems(container: Mp2Container | string, method: Mp2Method | string): Mp2DrmSystem[] {
  if (container === "TS") {
    if (method === "AES_128") return ["CLEAR_KEY_AES_128"];
    if (method === "SAMPLE_AES") return ["FAIRPLAY"];
    return [];
  }
  if (container === "ISM") return method === "CENC" ? ["PLAYREADY"] : [];
  if (method === "CBCS") return ["FAIRPLAY", "PLAYREADY", "WIDEVINE"];
  if (method === "CENC") return ["PLAYREADY", "WIDEVINE", "IRDETO"];
  return [];
}

const METHODS: Record<Mp2Container, Mp2Method[]> = {
  CMAF: ["CENC", "CBCS"],
  TS: ["AES_128", "SAMPLE_AES"],
  ISM: ["CENC"],
};

class Checker {
  constructor(readonly where: string) {}
  fail(arg: string, v: unknown, rule: string): never {
    throw new Error(`${this.where}: ${arg}${rule.startsWith(":") ? "" : " "}${rule} (got ${shown(v)})`);
  }
  int(arg: string, v: unknown, min: number, max?: number): void {
    if (v === undefined) return;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || (max !== undefined && v > max)) {
      this.fail(
        arg,
        v,
        max === undefined ? `must be an integer of at least ${min}` : `must be an integer from ${min} to ${max}`,
      );
    }
  }
  oneOf(arg: string, v: unknown, allowed: readonly string[]): void {
    if (v !== undefined && !allowed.includes(v as string)) this.fail(arg, v, `must be one of ${allowed.join(", ")}`);
  }
  list(arg: string, v: unknown, allowed: readonly string[], max?: number): void {
    if (v === undefined) return;
    if (!Array.isArray(v)) this.fail(arg, v, "must be a list");
    if (max !== undefined && v.length > max) this.fail(arg, v, `must list at most ${max} values`);
    v.forEach((x, i) => {
      this.oneOf(`${arg}[${i}]`, x, allowed);
    });
    const dup = v.find((x, i) => v.indexOf(x) !== i);
    if (dup !== undefined) this.fail(arg, v, `lists ${String(dup)} twice`);
  }
  name(arg: string, v: unknown): void {
    if (v !== undefined && (typeof v !== "string" || !NAME_RE.test(v))) this.fail(arg, v, `must match ${NAME_RE}`);
  }
  str(arg: string, v: unknown, min: number, max: number): void {
    if (v !== undefined && (typeof v !== "string" || v.length < min || v.length > max))
      this.fail(arg, v, `must be a string of ${min} to ${max} characters`);
  }
  time(arg: string, v: unknown): number | undefined {
    if (v === undefined) return undefined;
    const t = typeof v === "string" ? Date.parse(v) : NaN;
    if (!Number.isFinite(t)) this.fail(arg, v, "must be an ISO 8601 timestamp");
    return t;
  }
}

type Norm<T> = T & { name: string };
function norm<T extends { name: string }>(v: string | T): Norm<T> {
  return (typeof v === "string" ? { name: v } : v) as Norm<T>;
}

/**
 * The manifest lists of an endpoint with their defaults applied: HLS `index` (CMAF, TS) and DASH `index` (CMAF) unless
 * given or unless low-latency HLS manifests are given; MSS `index` for ISM. An empty list means none.
 */
export function mp2Manifests(
  e: Pick<
    Mp2EndpointOptions,
    "container" | "hlsManifests" | "lowLatencyHlsManifests" | "dashManifests" | "mssManifests"
  >,
) {
  const ll = e.lowLatencyHlsManifests !== undefined;
  return {
    hls: (e.hlsManifests ?? (e.container !== "ISM" && !ll ? ["index"] : [])).map((m) => norm<Mp2HlsManifestArgs>(m)),
    llHls: (e.lowLatencyHlsManifests ?? []).map((m) => norm<Mp2HlsManifestArgs>(m)),
    dash: (e.dashManifests ?? (e.container === "CMAF" && !ll ? ["index"] : [])).map((m) =>
      norm<Mp2DashManifestArgs>(m),
    ),
    mss: (e.mssManifests ?? (e.container === "ISM" ? ["index"] : [])).map((m) => norm<Mp2MssManifestArgs>(m)),
  };
}

function checkFilter(c: Checker, arg: string, f: Mp2FilterArgs | undefined, startover: number | undefined): void {
  if (f === undefined) return;
  c.str(`${arg}.manifestFilter`, f.manifestFilter, 1, 1024);
  c.int(`${arg}.timeDelaySeconds`, f.timeDelaySeconds, MP2_TIME_DELAY_SECONDS.min, MP2_TIME_DELAY_SECONDS.max);
  if (f.timeDelaySeconds !== undefined && startover !== undefined && f.timeDelaySeconds >= startover) {
    c.fail(
      `${arg}.timeDelaySeconds`,
      f.timeDelaySeconds,
      `must be smaller than the endpoint's startoverWindowSeconds (${startover})`,
    );
  }
  const start = c.time(`${arg}.start`, f.start);
  const end = c.time(`${arg}.end`, f.end);
  c.time(`${arg}.clipStartTime`, f.clipStartTime);
  if (f.clipStartTime !== undefined && (f.start !== undefined || f.end !== undefined))
    c.fail(`${arg}.clipStartTime`, f.clipStartTime, "cannot be combined with start or end");
  if (start !== undefined && end !== undefined && end <= start)
    c.fail(`${arg}.end`, f.end, `must be after start (${f.start})`);
  c.str(`${arg}.drmSettings`, f.drmSettings, 1, 1024);
}

function checkHls(c: Checker, arg: string, m: Mp2HlsManifestArgs, seg: number, startover: number | undefined): void {
  c.name(`${arg}.name`, m.name);
  c.name(`${arg}.childManifestName`, m.childManifestName);
  c.int(`${arg}.manifestWindowSeconds`, m.manifestWindowSeconds, MP2_MIN_MANIFEST_WINDOW_SECONDS);
  c.int(
    `${arg}.programDateTimeIntervalSeconds`,
    m.programDateTimeIntervalSeconds,
    MP2_PDT_SECONDS.min,
    MP2_PDT_SECONDS.max,
  );
  c.oneOf(`${arg}.adMarkers`, m.adMarkers, ENUMS.adMarkerHls);
  if (m.adMarkers === "DATERANGE" && m.programDateTimeIntervalSeconds === undefined)
    c.fail(
      `${arg}.adMarkers`,
      m.adMarkers,
      "needs programDateTimeIntervalSeconds of 1 or more (EXT-X-DATERANGE relies on EXT-X-PROGRAM-DATE-TIME)",
    );
  c.oneOf(`${arg}.scteInManifests`, m.scteInManifests, ENUMS.scteInManifests);
  if (m.startTag !== undefined) {
    const o = m.startTag.timeOffset;
    if (typeof o !== "number" || !Number.isFinite(o))
      c.fail(`${arg}.startTag.timeOffset`, o, "must be a number of seconds");
    const win = m.manifestWindowSeconds;
    if (o > 0 && win !== undefined && o >= win - 3 * seg)
      c.fail(
        `${arg}.startTag.timeOffset`,
        o,
        `must be less than manifestWindowSeconds minus 3 x segmentDurationSeconds (${win - 3 * seg})`,
      );
    if (o < 0 && Math.abs(o) <= 3 * seg)
      c.fail(`${arg}.startTag.timeOffset`, o, `must be further back than 3 x segmentDurationSeconds (${3 * seg} s)`);
    if (o < 0 && win !== undefined && Math.abs(o) >= win)
      c.fail(`${arg}.startTag.timeOffset`, o, `must be within manifestWindowSeconds (${win} s)`);
  }
  checkFilter(c, `${arg}.filter`, m.filter, startover);
}

function checkDash(
  c: Checker,
  arg: string,
  m: Mp2DashManifestArgs,
  encrypted: boolean,
  startover: number | undefined,
): void {
  c.name(`${arg}.name`, m.name);
  c.int(`${arg}.manifestWindowSeconds`, m.manifestWindowSeconds, MP2_MIN_MANIFEST_WINDOW_SECONDS);
  c.int(`${arg}.minUpdatePeriodSeconds`, m.minUpdatePeriodSeconds, 1, 3600);
  c.int(`${arg}.minBufferTimeSeconds`, m.minBufferTimeSeconds, 0, 3600);
  c.int(`${arg}.suggestedPresentationDelaySeconds`, m.suggestedPresentationDelaySeconds, 0, 3600);
  c.oneOf(`${arg}.segmentTemplateFormat`, m.segmentTemplateFormat, ENUMS.segmentTemplateFormat);
  c.list(`${arg}.periodTriggers`, m.periodTriggers, ENUMS.periodTrigger, 100);
  c.oneOf(`${arg}.drmSignaling`, m.drmSignaling, ENUMS.drmSignaling);
  if (m.drmSignaling !== undefined && !encrypted)
    c.fail(`${arg}.drmSignaling`, m.drmSignaling, "needs the endpoint's encryption");
  if (m.utcTiming !== undefined) {
    c.oneOf(`${arg}.utcTiming.mode`, m.utcTiming.mode, ENUMS.utcTimingMode);
    c.str(`${arg}.utcTiming.source`, m.utcTiming.source, 1, 1024);
    if (m.utcTiming.mode === "UTC_DIRECT" && m.utcTiming.source !== undefined)
      c.fail(`${arg}.utcTiming.source`, m.utcTiming.source, "must be left out with mode UTC_DIRECT");
  }
  c.list(`${arg}.profiles`, m.profiles, ENUMS.profile);
  const dvb = m.profiles?.includes("DVB_DASH") ?? false;
  if (m.dvbSettings !== undefined && !dvb)
    c.fail(`${arg}.dvbSettings`, m.profiles ?? [], 'needs profiles ["DVB_DASH"]');
  if (m.baseUrls !== undefined) {
    if (m.baseUrls.length > 20) c.fail(`${arg}.baseUrls`, m.baseUrls.length, "must list at most 20 base URLs");
    m.baseUrls.forEach((b, i) => {
      if (!dvb && (b.dvbPriority !== undefined || b.dvbWeight !== undefined))
        c.fail(`${arg}.baseUrls[${i}]`, b.url, 'sets dvbPriority/dvbWeight, which need profiles ["DVB_DASH"]');
    });
  }
  c.oneOf(`${arg}.compactness`, m.compactness, ENUMS.compactness);
  c.oneOf(`${arg}.ttmlProfile`, m.ttmlProfile, ENUMS.ttmlProfile);
  c.oneOf(`${arg}.adMarkers`, m.adMarkers, ENUMS.adMarkerDash);
  c.oneOf(`${arg}.scteInManifests`, m.scteInManifests, ENUMS.scteInManifests);
  checkFilter(c, `${arg}.filter`, m.filter, startover);
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

  // Manifests: names, container compatibility, duplicates.
  for (const [arg, l] of [
    ["hlsManifests", e.hlsManifests],
    ["lowLatencyHlsManifests", e.lowLatencyHlsManifests],
    ["dashManifests", e.dashManifests],
    ["mssManifests", e.mssManifests],
  ] as const) {
    if (l !== undefined && !Array.isArray(l)) c.fail(arg, l, "must be a list");
  }
  const m = mp2Manifests(e);
  if ((e.dashManifests?.length ?? 0) > 0 && e.container !== "CMAF")
    c.fail(
      "dashManifests",
      m.dash.map((x) => x.name),
      `: DASH manifests need the CMAF container (container is ${e.container})`,
    );
  if ((e.mssManifests?.length ?? 0) > 0 && e.container !== "ISM")
    c.fail(
      "mssManifests",
      m.mss.map((x) => x.name),
      `: MSS manifests need the ISM container (container is ${e.container})`,
    );
  if (e.container === "ISM" && (m.hls.length > 0 || m.llHls.length > 0))
    c.fail(
      m.hls.length ? "hlsManifests" : "lowLatencyHlsManifests",
      [...m.hls, ...m.llHls].map((x) => x.name),
      ": HLS manifests are not available with the ISM container (use mssManifests)",
    );
  if (m.hls.length + m.llHls.length + m.dash.length + m.mss.length === 0)
    c.fail("manifests", [], "must list at least one manifest (HLS, low-latency HLS, DASH or MSS)");
  const dupIn = (arg: string, names: string[]) => {
    const d = names.find((n, i) => names.indexOf(n) !== i);
    if (d !== undefined) c.fail(arg, d, "must not repeat a manifest name (duplicate manifest name)");
  };
  dupIn(
    "hlsManifests",
    m.hls.map((x) => x.name),
  );
  dupIn(
    "lowLatencyHlsManifests",
    m.llHls.map((x) => x.name),
  );
  dupIn(
    "dashManifests",
    m.dash.map((x) => x.name),
  );
  dupIn(
    "mssManifests",
    m.mss.map((x) => x.name),
  );
  const both = m.llHls.find((x) => m.hls.some((h) => h.name === x.name));
  if (both)
    c.fail(
      "lowLatencyHlsManifests",
      both.name,
      "must not reuse an HLS manifest name (duplicate manifest name: both are .m3u8)",
    );
  const startover = e.startoverWindowSeconds;
  m.hls.forEach((x, i) => {
    checkHls(c, `hlsManifests[${i}]`, x, seg, startover);
  });
  m.llHls.forEach((x, i) => {
    checkHls(c, `lowLatencyHlsManifests[${i}]`, x, seg, startover);
  });
  m.dash.forEach((x, i) => {
    checkDash(c, `dashManifests[${i}]`, x, e.encryption !== undefined, startover);
  });
  m.mss.forEach((x, i) => {
    c.name(`mssManifests[${i}].name`, x.name);
    c.int(`mssManifests[${i}].manifestWindowSeconds`, x.manifestWindowSeconds, MP2_MIN_MANIFEST_WINDOW_SECONDS);
    c.oneOf(`mssManifests[${i}].layout`, x.layout, ENUMS.mssLayout);
    checkFilter(c, `mssManifests[${i}].filter`, x.filter, startover);
  });

  const enc = e.encryption;
  if (!enc) return;
  const methods = METHODS[e.container];
  if (!methods.includes(enc.method))
    c.fail("encryption.method", enc.method, `: ${e.container} encryption method must be ${methods.join(" or ")}`);
  if (enc.drmSystems?.includes("FAIRPLAY") && e.container === "CMAF" && enc.method === "CENC")
    throw new Error(`${c.where}: FairPlay needs CBCS (got CENC)`);
  assertDrmSystems(
    `${c.where}: encryption.drmSystems (${e.container} ${enc.method})`,
    enc.drmSystems,
    mp2AllowedSystems(e.container, enc.method),
  );
  assertPresets(c.where, enc.videoPreset, enc.audioPreset);
  if (e.container === "ISM") {
    if (enc.videoPreset !== "SHARED")
      c.fail(
        "encryption.videoPreset",
        enc.videoPreset,
        "must be SHARED with the ISM container (MSS uses one key for audio and video)",
      );
    if (enc.keyRotationIntervalSeconds !== undefined)
      c.fail(
        "encryption.keyRotationIntervalSeconds",
        enc.keyRotationIntervalSeconds,
        "is not available with the ISM container (MSS has no key rotation)",
      );
    if (enc.constantInitializationVector !== undefined)
      c.fail(
        "encryption.constantInitializationVector",
        enc.constantInitializationVector,
        "is not available with the ISM container",
      );
  }
  c.int(
    "encryption.keyRotationIntervalSeconds",
    enc.keyRotationIntervalSeconds,
    MP2_MIN_KEY_ROTATION_SECONDS,
    MP2_MAX_KEY_ROTATION_SECONDS,
  );
  if (
    enc.constantInitializationVector !== undefined &&
    (typeof enc.constantInitializationVector !== "string" ||
      !/^[0-9a-fA-F]{32}$/.test(enc.constantInitializationVector))
  ) {
    c.fail(
      "encryption.constantInitializationVector",
      enc.constantInitializationVector,
      "must be 32 hexadecimal characters (16 bytes)",
    );
  }
  if (enc.excludeSegmentDrmMetadata !== undefined && e.container !== "CMAF")
    c.fail(
      "encryption.excludeSegmentDrmMetadata",
      enc.excludeSegmentDrmMetadata,
      `is a CMAF option (container is ${e.container})`,
    );
}

const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function filterArgs(
  f: Mp2FilterArgs | undefined,
): awsNative.types.input.mediapackagev2.OriginEndpointFilterConfigurationArgs | undefined {
  return f === undefined
    ? undefined
    : defined({
        manifestFilter: f.manifestFilter,
        timeDelaySeconds: f.timeDelaySeconds,
        start: f.start,
        end: f.end,
        clipStartTime: f.clipStartTime,
        drmSettings: f.drmSettings,
      });
}
function hlsArgs(m: Mp2HlsManifestArgs): In {
  return defined({
    manifestName: m.name,
    childManifestName: m.childManifestName,
    manifestWindowSeconds: m.manifestWindowSeconds,
    programDateTimeIntervalSeconds: m.programDateTimeIntervalSeconds,
    scteHls:
      m.adMarkers !== undefined || m.scteInManifests !== undefined
        ? defined({ adMarkerHls: m.adMarkers, scteInManifests: m.scteInManifests })
        : undefined,
    startTag: m.startTag ? defined({ timeOffset: m.startTag.timeOffset, precise: m.startTag.precise }) : undefined,
    urlEncodeChildManifest: m.urlEncodeChildManifest,
    filterConfiguration: filterArgs(m.filter),
  });
}
function dashArgs(
  m: Mp2DashManifestArgs,
): awsNative.types.input.mediapackagev2.OriginEndpointDashManifestConfigurationArgs {
  return defined({
    manifestName: m.name,
    manifestWindowSeconds: m.manifestWindowSeconds,
    minUpdatePeriodSeconds: m.minUpdatePeriodSeconds,
    minBufferTimeSeconds: m.minBufferTimeSeconds,
    suggestedPresentationDelaySeconds: m.suggestedPresentationDelaySeconds,
    segmentTemplateFormat: m.segmentTemplateFormat,
    periodTriggers: m.periodTriggers,
    drmSignaling: m.drmSignaling,
    utcTiming: m.utcTiming ? defined({ timingMode: m.utcTiming.mode, timingSource: m.utcTiming.source }) : undefined,
    profiles: m.profiles,
    dvbSettings: m.dvbSettings,
    baseUrls: m.baseUrls?.map((b) =>
      defined({ url: b.url, serviceLocation: b.serviceLocation, dvbPriority: b.dvbPriority, dvbWeight: b.dvbWeight }),
    ),
    compactness: m.compactness,
    programInformation: m.programInformation,
    subtitleConfiguration: m.ttmlProfile ? { ttmlConfiguration: { ttmlProfile: m.ttmlProfile } } : undefined,
    scteDash:
      m.adMarkers !== undefined || m.scteInManifests !== undefined
        ? defined({ adMarkerDash: m.adMarkers, scteInManifests: m.scteInManifests })
        : undefined,
    filterConfiguration: filterArgs(m.filter),
  });
}

export interface Mp2Speke {
  url: string;
  roleArn: string;
  resourceId: string;
  certificateArn?: string | undefined;
}

/** The `mediapackagev2.OriginEndpoint` inputs of a validated endpoint (everything but names, group, channel, tags). */
export function mp2EndpointInputs(e: Mp2EndpointOptions, speke: Mp2Speke) {
  const m = mp2Manifests(e);
  const enc = e.encryption;
  const encryption: awsNative.types.input.mediapackagev2.OriginEndpointEncryptionArgs | undefined = enc
    ? defined({
        encryptionMethod:
          e.container === "CMAF"
            ? { cmafEncryptionMethod: enc.method as Enum<"OriginEndpointCmafEncryptionMethod"> }
            : e.container === "TS"
              ? { tsEncryptionMethod: enc.method as Enum<"OriginEndpointTsEncryptionMethod"> }
              : { ismEncryptionMethod: enc.method as Enum<"OriginEndpointIsmEncryptionMethod"> },
        keyRotationIntervalSeconds:
          e.container === "ISM" ? undefined : (enc.keyRotationIntervalSeconds ?? MP2_MIN_KEY_ROTATION_SECONDS),
        constantInitializationVector: enc.constantInitializationVector,
        cmafExcludeSegmentDrmMetadata: enc.excludeSegmentDrmMetadata,
        spekeKeyProvider: {
          url: speke.url,
          roleArn: speke.roleArn,
          resourceId: speke.resourceId,
          drmSystems: enc.drmSystems as Enum<"OriginEndpointDrmSystem">[],
          encryptionContractConfiguration: {
            presetSpeke20Video: v2VideoPreset(enc.videoPreset) as Enum<"OriginEndpointPresetSpeke20Video">,
            presetSpeke20Audio: v2AudioPreset(enc.audioPreset) as Enum<"OriginEndpointPresetSpeke20Audio">,
          },
          ...(speke.certificateArn ? { certificateArn: speke.certificateArn } : {}),
        },
      })
    : undefined;
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
    mssManifests: list(
      m.mss.map(
        (x): awsNative.types.input.mediapackagev2.OriginEndpointMssManifestConfigurationArgs =>
          defined({
            manifestName: x.name,
            manifestWindowSeconds: x.manifestWindowSeconds,
            manifestLayout: x.layout,
            filterConfiguration: filterArgs(x.filter),
          }),
      ),
    ),
    startoverWindowSeconds: e.startoverWindowSeconds,
    forceEndpointErrorConfiguration: e.forceEndpointErrorConditions
      ? { endpointErrorConditions: e.forceEndpointErrorConditions }
      : undefined,
  };
}
