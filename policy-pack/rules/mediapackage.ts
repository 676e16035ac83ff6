/** MediaPackage encryption settings: key rotation bounds and SPEKE v2 encryption contract presets. */
import { get, isProduction, isRecord } from "./inspect";
import type { ResourceUnderReview, RuleDefinition, RuleFinding } from "./types";

interface EncryptionBlock {
  version: 1 | 2;
  path: string;
  encryption: Record<string, unknown>;
}

function encryptionBlocks(resource: ResourceUnderReview): EncryptionBlock[] {
  const out: EncryptionBlock[] = [];
  if (resource.type === "aws-native:mediapackagev2:OriginEndpoint") {
    const e = get(resource.props, ["segment", "encryption"]);
    if (isRecord(e)) out.push({ version: 2, path: "segment.encryption", encryption: e });
  }
  if (
    resource.type === "aws-native:mediapackage:OriginEndpoint" ||
    resource.type === "aws-native:mediapackage:PackagingConfiguration"
  ) {
    for (const pkg of ["cmafPackage", "dashPackage", "hlsPackage", "mssPackage"]) {
      const e = get(resource.props, [pkg, "encryption"]);
      if (isRecord(e)) out.push({ version: 1, path: `${pkg}.encryption`, encryption: e });
    }
  }
  return out;
}

export const mediaPackageKeyRotation: RuleDefinition = {
  name: "keyplane-mediapackage-key-rotation",
  description:
    "MediaPackage v2 key rotation (keyRotationIntervalSeconds), when set, lies between minKeyRotationSeconds (AWS minimum 300) and maxKeyRotationSeconds. MediaPackage v1 endpoints with a SPEKE v2 encryption contract must set keyRotationIntervalSeconds to 0 (AWS requirement; the API default is 60).",
  enforcementLevel: "mandatory",
  configKeys: ["minKeyRotationSeconds", "maxKeyRotationSeconds"],
  check: (resource, config) => {
    const out: RuleFinding[] = [];
    for (const b of encryptionBlocks(resource)) {
      const v = b.encryption.keyRotationIntervalSeconds;
      const path = `${b.path}.keyRotationIntervalSeconds`;
      if (b.version === 2) {
        if (v === undefined) continue;
        const min = Math.max(300, config.minKeyRotationSeconds);
        if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > config.maxKeyRotationSeconds) {
          out.push({
            path,
            message: `key rotation every ${String(v)} s; MediaPackage v2 needs ${min}..${config.maxKeyRotationSeconds} s`,
          });
        }
      } else {
        const contract = get(b.encryption, ["spekeKeyProvider", "encryptionContractConfiguration"]);
        // VOD packaging configurations have no key rotation (no keyRotationIntervalSeconds field): nothing to check.
        const vod = resource.type === "aws-native:mediapackage:PackagingConfiguration";
        if (isRecord(contract) && v !== 0 && !vod && !b.path.startsWith("mssPackage")) {
          out.push({
            path,
            message: `MediaPackage v1 with an encryption contract needs keyRotationIntervalSeconds = 0 (found ${v === undefined ? "unset, default 60" : String(v)})`,
          });
        }
      }
    }
    return out;
  },
};

const V2_VIDEO = /^(PRESET_VIDEO_[1-8]|SHARED|UNENCRYPTED)$/;
const V2_AUDIO = /^(PRESET_AUDIO_[1-3]|SHARED|UNENCRYPTED)$/;
const V1_VIDEO = /^(PRESET-VIDEO-[1-8]|SHARED|UNENCRYPTED)$/;
const V1_AUDIO = /^(PRESET-AUDIO-[1-3]|SHARED|UNENCRYPTED)$/;

export const mediaPackagePresets: RuleDefinition = {
  name: "keyplane-mediapackage-presets",
  description:
    "SPEKE v2 encryption contract presets are valid for the API version (v2: PRESET_VIDEO_1..8 / PRESET_AUDIO_1..3; v1: PRESET-VIDEO-1 spelling), SHARED is used for both audio and video, UNENCRYPTED is not combined with UNENCRYPTED or SHARED, audio stays encrypted unless allowUnencryptedAudio, and video is never UNENCRYPTED in production.",
  enforcementLevel: "mandatory",
  configKeys: ["allowUnencryptedAudio", "environment", "productionEnvironments"],
  check: (resource, config) => {
    const out: RuleFinding[] = [];
    for (const b of encryptionBlocks(resource)) {
      const c = get(b.encryption, ["spekeKeyProvider", "encryptionContractConfiguration"]);
      if (!isRecord(c)) continue;
      const path = `${b.path}.spekeKeyProvider.encryptionContractConfiguration`;
      const video = String(c.presetSpeke20Video ?? "");
      const audio = String(c.presetSpeke20Audio ?? "");
      const [vre, are] = b.version === 2 ? [V2_VIDEO, V2_AUDIO] : [V1_VIDEO, V1_AUDIO];
      if (!vre.test(video))
        out.push({
          path: `${path}.presetSpeke20Video`,
          message: `"${video}" is not a MediaPackage v${b.version} video preset`,
        });
      if (!are.test(audio))
        out.push({
          path: `${path}.presetSpeke20Audio`,
          message: `"${audio}" is not a MediaPackage v${b.version} audio preset`,
        });
      if ((video === "SHARED") !== (audio === "SHARED"))
        out.push({ path, message: `SHARED must be used for both audio and video (video ${video}, audio ${audio})` });
      if (video === "UNENCRYPTED" && (audio === "UNENCRYPTED" || audio === "SHARED"))
        out.push({ path, message: `UNENCRYPTED video cannot be combined with ${audio} audio` });
      if (audio === "UNENCRYPTED" && video === "SHARED")
        out.push({ path, message: "UNENCRYPTED audio cannot be combined with SHARED video" });
      if (audio === "UNENCRYPTED" && !config.allowUnencryptedAudio)
        out.push({
          path: `${path}.presetSpeke20Audio`,
          message: "audio is left unencrypted (set allowUnencryptedAudio to accept this)",
        });
      if (video === "UNENCRYPTED" && isProduction(resource, config))
        out.push({ path: `${path}.presetSpeke20Video`, message: "video is left unencrypted in production" });
    }
    return out;
  },
};

const V2_MANIFEST_LISTS = ["hlsManifests", "lowLatencyHlsManifests", "dashManifests", "mssManifests"] as const;
const MAX_WINDOW = 1_209_600;

function intIn(v: unknown, min: number, max: number): boolean {
  return typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
}

export const mediaPackageTimeWindow: RuleDefinition = {
  name: "keyplane-mediapackage-time-window",
  description:
    "MediaPackage time-shift settings hold together: v2 startover window 60..1,209,600 s, segments 1..30 s, each manifest's time delay 0..1,209,600 s and smaller than the startover window, DATERANGE ad markers with a program date time interval; v1 time delay smaller than the startover window (at most 86,400 s without one). With key rotation, a time delay or startover window older than the rotation interval means players need licences for rotated-out keys: the key server must keep answering for them.",
  enforcementLevel: "mandatory",
  configKeys: [],
  check: (resource) => {
    const out: RuleFinding[] = [];
    const p = resource.props;
    if (resource.type === "aws-native:mediapackagev2:OriginEndpoint") {
      const startover = p.startoverWindowSeconds;
      if (startover !== undefined && !intIn(startover, 60, MAX_WINDOW))
        out.push({
          path: "startoverWindowSeconds",
          message: `startover window ${String(startover)} s; MediaPackage v2 takes 60..${MAX_WINDOW} s`,
        });
      const seg = get(p, ["segment", "segmentDurationSeconds"]);
      if (seg !== undefined && !intIn(seg, 1, 30))
        out.push({
          path: "segment.segmentDurationSeconds",
          message: `segment duration ${String(seg)} s; MediaPackage v2 takes 1..30 s`,
        });
      for (const list of V2_MANIFEST_LISTS) {
        const manifests = Array.isArray(p[list]) ? (p[list] as unknown[]) : [];
        manifests.forEach((m, i) => {
          if (!isRecord(m)) return;
          const path = `${list}[${i}]`;
          const delay = get(m, ["filterConfiguration", "timeDelaySeconds"]);
          if (delay !== undefined) {
            if (!intIn(delay, 0, MAX_WINDOW))
              out.push({
                path: `${path}.filterConfiguration.timeDelaySeconds`,
                message: `time delay ${String(delay)} s; MediaPackage v2 takes 0..${MAX_WINDOW} s`,
              });
            else if (typeof startover === "number" && (delay as number) >= startover)
              out.push({
                path: `${path}.filterConfiguration.timeDelaySeconds`,
                message: `manifest "${String(m.manifestName)}" delays ${String(delay)} s, not less than the startover window (${startover} s)`,
              });
          }
          if (
            get(m, ["scteHls", "adMarkerHls"]) === "DATERANGE" &&
            !intIn(m.programDateTimeIntervalSeconds, 1, MAX_WINDOW)
          ) {
            out.push({
              path: `${path}.programDateTimeIntervalSeconds`,
              message: `manifest "${String(m.manifestName)}" uses DATERANGE ad markers without a program date time interval (1..${MAX_WINDOW} s)`,
            });
          }
        });
      }
    }
    if (resource.type === "aws-native:mediapackage:OriginEndpoint") {
      const delay = p.timeDelaySeconds;
      const startover = typeof p.startoverWindowSeconds === "number" ? p.startoverWindowSeconds : 0;
      if (delay !== undefined) {
        const max = startover > 0 ? startover - 1 : 86_400;
        if (!intIn(delay, 0, max))
          out.push({
            path: "timeDelaySeconds",
            message:
              startover > 0
                ? `time delay ${String(delay)} s must be less than the startover window (${startover} s)`
                : `time delay ${String(delay)} s; MediaPackage v1 takes 0..86400 s without a startover window`,
          });
      }
    }
    return out;
  },
};

function statementsOf(policy: unknown): Record<string, unknown>[] {
  const doc =
    typeof policy === "string"
      ? (() => {
          try {
            return JSON.parse(policy) as unknown;
          } catch {
            return undefined;
          }
        })()
      : policy;
  const st = isRecord(doc) ? doc.Statement : undefined;
  return (Array.isArray(st) ? st : st === undefined ? [] : [st]).filter(isRecord);
}

export const mediaPackageCdnAuth: RuleDefinition = {
  name: "keyplane-mediapackage-cdn-auth",
  description:
    "In production, MediaPackage origins are read through a CDN that proves itself: v1 origin endpoints set CDN authorization (authorization: secret + role); v2 origin endpoint policies that admit any principal do so only on a matching CDN authorization header (mediapackagev2:RequestHasMatchingCdnAuthHeader) with a cdnAuthConfiguration, or admit CloudFront only for a named distribution (aws:SourceArn). Advisory: some origins are deliberately public.",
  enforcementLevel: "advisory",
  configKeys: ["environment", "productionEnvironments"],
  check: (resource, config) => {
    if (!isProduction(resource, config)) return [];
    const out: RuleFinding[] = [];
    if (resource.type === "aws-native:mediapackage:OriginEndpoint") {
      const a = resource.props.authorization;
      if (!isRecord(a) || !a.cdnIdentifierSecret || !a.secretsRoleArn)
        out.push({
          path: "authorization",
          message:
            "MediaPackage v1 origin endpoint without CDN authorization in production: anyone with the URL can read it",
        });
    }
    if (resource.type === "aws-native:mediapackagev2:OriginEndpointPolicy") {
      const cdn = resource.props.cdnAuthConfiguration;
      statementsOf(resource.props.policy).forEach((st, i) => {
        if (st.Effect !== "Allow") return;
        const path = `policy.Statement[${i}]`;
        const cond = isRecord(st.Condition) ? st.Condition : {};
        const headerGated = get(cond, ["Bool", "mediapackagev2:RequestHasMatchingCdnAuthHeader"]) === "true";
        const principal = st.Principal;
        const anyone = principal === "*" || (isRecord(principal) && principal.AWS === "*");
        const cloudFront = isRecord(principal) && principal.Service === "cloudfront.amazonaws.com";
        const sourceArn = get(cond, ["StringEquals", "aws:SourceArn"]) ?? get(cond, ["ArnLike", "aws:SourceArn"]);
        if (anyone && !headerGated)
          out.push({
            path,
            message: "origin endpoint policy admits anyone without the CDN authorization header condition",
          });
        if (headerGated && !isRecord(cdn))
          out.push({
            path: "cdnAuthConfiguration",
            message:
              "policy relies on the CDN authorization header but the endpoint has no cdnAuthConfiguration (secret + role)",
          });
        if (cloudFront && (sourceArn === undefined || sourceArn === "*"))
          out.push({
            path,
            message:
              "policy admits CloudFront without naming the distribution (aws:SourceArn): any distribution could read the origin",
          });
      });
    }
    return out;
  },
};
