/**
 * MediaPackage v2 manifests of an origin endpoint: the argument types per manifest kind (HLS and low-latency HLS, DASH,
 * MSS, with their filter), the default manifest lists, and their rendering as `@pulumi/aws-native`
 * `mediapackagev2.OriginEndpoint` manifest configurations. Their rules: mediapackage-v2-manifest-rules.ts.
 */
import type * as awsNative from "@pulumi/aws-native";
import type { Mp2EndpointOptions } from "./mediapackage-v2-endpoint";
import type { Enum } from "./mediapackage-v2-limits";

type In = awsNative.types.input.mediapackagev2.OriginEndpointHlsManifestConfigurationArgs;

/** Filter configuration of one manifest (FilterConfiguration). Timestamps are ISO 8601 strings. */
export interface Mp2FilterArgs {
  /** Manifest filter expression, e.g. `video_height:1-1080;audio_language:fr` (1..1024 characters). */
  manifestFilter?: string;
  /** Delay in seconds applied to every request of this manifest (0..1,209,600; smaller than the startover window). */
  timeDelaySeconds?: number;
  /**
   * Start time of every egress request of this manifest (`FilterConfiguration.Start`), ISO 8601; not with
   * `clipStartTime`. The manifest's URL then cannot take a start query parameter.
   */
  start?: string;
  /**
   * End time of every egress request of this manifest (`FilterConfiguration.End`), ISO 8601, after `start`; not with
   * `clipStartTime`. The manifest's URL then cannot take an end query parameter.
   */
  end?: string;
  /** Not together with start/end. */
  clipStartTime?: string;
  /** DRM settings, e.g. `exclude_session_keys`. */
  drmSettings?: string;
}

export interface Mp2StartTagArgs {
  /** EXT-X-START TIME-OFFSET in seconds: positive < window - 3 x segment; negative with 3 x segment < |offset| < window. */
  timeOffset: number;
  /** EXT-X-START PRECISE=YES when true (`StartTag.Precise`). Default: unset (MediaPackage's default, PRECISE=NO). */
  precise?: boolean;
}

export interface Mp2HlsManifestArgs {
  /** Manifest name (`[a-zA-Z0-9_-]{1,256}`), unique within its list and across HLS and LL-HLS (both `.m3u8`). */
  name: string;
  /**
   * Name of the child (media) playlists, `[a-zA-Z0-9_-]{1,256}` (`ChildManifestName`). Default: unset (MediaPackage's
   * default, `index_1`).
   */
  childManifestName?: string;
  /** Manifest window, at least 30 s. */
  manifestWindowSeconds?: number;
  /** EXT-X-PROGRAM-DATE-TIME interval, 1..1,209,600 s (needed by DATERANGE ad markers). */
  programDateTimeIntervalSeconds?: number;
  /** SCTE-35 ad markers: DATERANGE or SCTE35_ENHANCED. */
  adMarkers?: Enum<"OriginEndpointAdMarkerHls">;
  /**
   * Which SCTE-35 events appear in the playlist (`ScteHls.ScteInManifests`): ALL, or MATCHES_FILTER (only the types in
   * the endpoint's `scte.filter`). Default: unset (MediaPackage's default, ALL).
   */
  scteInManifests?: Enum<"OriginEndpointScteInManifests">;
  /** An EXT-X-START tag in the playlist (`StartTag`). Default: unset (no tag). */
  startTag?: Mp2StartTagArgs;
  /**
   * URL-encode the query string of child manifest requests so they fit AWS SigV4 signing (`UrlEncodeChildManifest`).
   * Default: unset (MediaPackage's default).
   */
  urlEncodeChildManifest?: boolean;
  /** Filter applied to every request of this manifest (`FilterConfiguration`). Default: unset (no filter). */
  filter?: Mp2FilterArgs;
}

export interface Mp2DashManifestArgs {
  /**
   * Manifest name (`[a-zA-Z0-9_-]{1,256}`, `ManifestName`), unique within `dashManifests`; may match an HLS manifest's
   * name (`.mpd` and `.m3u8`).
   */
  name: string;
  /**
   * `ManifestWindowSeconds` of the DASH manifest (AWS::MediaPackageV2::OriginEndpoint): content it spans, an integer of
   * at least 30. Default: unset (MediaPackage's default).
   */
  manifestWindowSeconds?: number;
  /** 1..3600 s. */
  minUpdatePeriodSeconds?: number;
  /** 0..3600 s. */
  minBufferTimeSeconds?: number;
  /** 0..3600 s. */
  suggestedPresentationDelaySeconds?: number;
  /**
   * `SegmentTemplate` addressing (`SegmentTemplateFormat`): NUMBER_WITH_TIMELINE (`$Number$` in the media URL and a
   * full `SegmentTimeline`), the only value. Default: unset (MediaPackage's default).
   */
  segmentTemplateFormat?: Enum<"OriginEndpointDashSegmentTemplateFormat">;
  /** At most 100. */
  periodTriggers?: Enum<"OriginEndpointDashPeriodTrigger">[];
  /** How the MPD signals DRM (needs encryption). */
  drmSignaling?: Enum<"OriginEndpointDashDrmSignaling">;
  /** UTC timing; UTC_DIRECT takes no source. Source 1..1024 characters. */
  utcTiming?: { mode?: Enum<"OriginEndpointDashUtcTimingMode">; source?: string };
  /**
   * Profiles the MPD complies with (`Profiles`): `["DVB_DASH"]` is the only value; `dvbSettings` and base URL DVB
   * priority/weight need it. Default: unset (none).
   */
  profiles?: Enum<"OriginEndpointDashProfile">[];
  /** DVB-DASH only (profiles: ["DVB_DASH"]). */
  dvbSettings?: awsNative.types.input.mediapackagev2.OriginEndpointDashDvbSettingsArgs;
  /** At most 20; dvbPriority/dvbWeight need the DVB_DASH profile. */
  baseUrls?: { url: string; serviceLocation?: string; dvbPriority?: number; dvbWeight?: number }[];
  /**
   * MPD layout (`Compactness`): STANDARD (compacted: shared attributes moved up to the AdaptationSet) or NONE (full).
   * Default: unset (MediaPackage's default, STANDARD).
   */
  compactness?: Enum<"OriginEndpointDashCompactness">;
  /**
   * Program details passed through to the MPD's ProgramInformation (`ProgramInformation`: title, source, copyright,
   * language code, more-information URL). Default: unset (none).
   */
  programInformation?: {
    title?: string;
    source?: string;
    copyright?: string;
    languageCode?: string;
    moreInformationUrl?: string;
  };
  /**
   * TTML subtitle profile signalled in the MPD (`SubtitleConfiguration.TtmlConfiguration.TtmlProfile`): IMSC_1 or
   * EBU_TT_D_101. Default: unset (MediaPackage's default, IMSC).
   */
  ttmlProfile?: Enum<"OriginEndpointDashTtmlProfile">;
  /** SCTE-35 markers in the MPD: BINARY or XML. */
  adMarkers?: Enum<"OriginEndpointAdMarkerDash">;
  /**
   * Which SCTE-35 events appear in the MPD (`ScteDash.ScteInManifests`): ALL, or MATCHES_FILTER (only the types in the
   * endpoint's `scte.filter`). Default: unset (MediaPackage's default, ALL).
   */
  scteInManifests?: Enum<"OriginEndpointScteInManifests">;
  /** Filter applied to every request of this manifest (`FilterConfiguration`). Default: unset (no filter). */
  filter?: Mp2FilterArgs;
}

export interface Mp2MssManifestArgs {
  /** Manifest name (`[a-zA-Z0-9_-]{1,256}`, `ManifestName`), unique within `mssManifests`. */
  name: string;
  /**
   * `ManifestWindowSeconds` of the MSS manifest: content it spans, an integer of at least 30. Default: unset
   * (MediaPackage's default).
   */
  manifestWindowSeconds?: number;
  /** Manifest layout (`ManifestLayout`): FULL or COMPACT. Default: unset (MediaPackage's default). */
  layout?: Enum<"OriginEndpointMssManifestLayout">;
  /** Filter applied to every request of this manifest (`FilterConfiguration`). Default: unset (no filter). */
  filter?: Mp2FilterArgs;
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

/** The object without its undefined fields (aws-native inputs carry only what the user set). */
export const defined = <T extends object>(o: T): T =>
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
export function hlsArgs(m: Mp2HlsManifestArgs): In {
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
export function dashArgs(
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

export function mssArgs(
  m: Mp2MssManifestArgs,
): awsNative.types.input.mediapackagev2.OriginEndpointMssManifestConfigurationArgs {
  return defined({
    manifestName: m.name,
    manifestWindowSeconds: m.manifestWindowSeconds,
    manifestLayout: m.layout,
    filterConfiguration: filterArgs(m.filter),
  });
}
