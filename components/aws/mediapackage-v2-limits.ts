/**
 * MediaPackage v2 origin endpoint limits: containers and methods, the ranges and enumerations of the API, the name
 * pattern, and `Checker`, which reports a value outside them as `<endpoint>: <argument> <rule> (got <value>)`.
 *
 * Ranges and rules come from the MediaPackage v2 API reference (botocore model `mediapackagev2/2022-12-25`: Segment,
 * Encryption, FilterConfiguration, Create*ManifestConfiguration, CreateOriginEndpointRequest), the MediaPackage v2
 * user guide ("Container and DRM system support with SPEKE", "MSS encryption and DRM") and the field notes of the
 * aws-native / CloudFormation schema. docs/mediapackage.md lists each option with its range and page.
 */
import type * as awsNative from "@pulumi/aws-native";
import { shown } from "../shared/inputs";

type E = typeof awsNative.types.enums.mediapackagev2;
/** The values of one `@pulumi/aws-native` mediapackagev2 enum. */
export type Enum<K extends keyof E> = E[K][keyof E[K]];

export type Mp2Container = "CMAF" | "TS" | "ISM";
export type Mp2Method = "CENC" | "CBCS" | "AES_128" | "SAMPLE_AES";

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

export const ENUMS = {
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

/** Reports an argument outside its rule, naming the endpoint (`where`), the argument and the value. */
export class Checker {
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
