/**
 * Every MediaPackage v2 origin option: one mocks test per option asserting the `aws-native` resource inputs, and one
 * test per validation rule asserting its message (component, endpoint, argument, value).
 *
 * Expected values and ranges come from the AWS documentation, not from our code: the MediaPackage v2 API reference
 * (botocore model mediapackagev2/2022-12-25 and the API_Segment, API_Encryption, API_FilterConfiguration,
 * API_CreateDashManifestConfiguration, API_CreateHlsManifestConfiguration pages), the MediaPackage v2 user guide
 * ("Container and DRM system support with SPEKE", "MSS encryption and DRM", "Configure MediaPackage CDN authorization
 * setup") and the CloudFront developer guide ("Restrict access to a MediaPackage v2 origin").
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  MediaPackageV2Origin,
  type MediaPackageV2OriginArgs,
  type Mp2EndpointArgs,
} from "../../../components/aws/mediapackage-v2-origin";
import type { Mp2DrmSystem } from "../../../components/aws/mediapackage-encryption";
import {
  applyErrors,
  installMocks,
  isSecretValue,
  ofType,
  policyOf,
  reveal,
  settle,
  value,
  type Recorded,
} from "../../support/pulumi-mocks";

const speke = {
  url: "https://abc.execute-api.eu-west-1.amazonaws.com/v1/speke",
  roleArn: "arn:aws:iam::123456789012:role/ks-packager",
};
const CMAF_ENC: { drmSystems: Mp2DrmSystem[]; method: "CENC"; videoPreset: 1; audioPreset: 1 } = {
  drmSystems: ["WIDEVINE", "PLAYREADY"],
  method: "CENC",
  videoPreset: 1,
  audioPreset: 1,
};
const DIST = "arn:aws:cloudfront::123456789012:distribution/E2QWRUHAPOMQZL";
const MEDIALIVE_ROLE = "arn:aws:iam::123456789012:role/MediaLiveAccessRole";

function origin(endpoint: Partial<Mp2EndpointArgs>, extra: Partial<MediaPackageV2OriginArgs> = {}) {
  return new MediaPackageV2Origin("o", {
    speke,
    endpoints: [{ name: "ep", container: "CMAF", ...endpoint } as Mp2EndpointArgs],
    ...extra,
  });
}
function at(o: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v == null ? undefined : (v as Record<string, unknown>)[k]), o);
}

describe("components/aws MediaPackageV2Origin options -> aws-native inputs", function () {
  this.timeout(20_000);
  let rec: Recorded[];
  beforeEach(async () => {
    rec = await installMocks();
  });
  const endpointInputs = () =>
    reveal(ofType(rec, "aws-native:mediapackagev2:OriginEndpoint")[0]!.inputs) as Record<string, unknown>;

  // [option, endpoint args, path into OriginEndpoint inputs, expected value]
  const cases: [string, Partial<Mp2EndpointArgs>, string, unknown][] = [
    ["container ISM with its default MSS manifest", { container: "ISM" }, "mssManifests", [{ manifestName: "index" }]],
    ["container ISM: no HLS/DASH defaults", { container: "ISM" }, "hlsManifests", undefined],
    ["segment duration", { segmentDurationSeconds: 2 }, "segment.segmentDurationSeconds", 2],
    ["segment name", { segmentName: "seg" }, "segment.segmentName", "seg"],
    ["I-frame-only streams", { includeIframeOnlyStreams: true }, "segment.includeIframeOnlyStreams", true],
    [
      "SCTE filter, in segments, custom ad types",
      { scte: { filter: ["SPLICE_INSERT", "BREAK"], inSegments: "ALL", customAdTypes: ["PROGRAM"] } },
      "segment.scte",
      { scteFilter: ["SPLICE_INSERT", "BREAK"], scteInSegments: "ALL", customAdTypes: ["PROGRAM"] },
    ],
    [
      "TS audio rendition group",
      { container: "TS", tsUseAudioRenditionGroup: true },
      "segment.tsUseAudioRenditionGroup",
      true,
    ],
    ["TS DVB subtitles", { container: "TS", tsIncludeDvbSubtitles: true }, "segment.tsIncludeDvbSubtitles", true],
    [
      "startover window (14 days, the maximum)",
      { startoverWindowSeconds: 1_209_600 },
      "startoverWindowSeconds",
      1_209_600,
    ],
    [
      "force endpoint error conditions",
      { forceEndpointErrorConditions: ["STALE_MANIFEST", "INCOMPLETE_MANIFEST", "SLATE_INPUT"] },
      "forceEndpointErrorConfiguration",
      { endpointErrorConditions: ["STALE_MANIFEST", "INCOMPLETE_MANIFEST", "SLATE_INPUT"] },
    ],
    [
      "HLS manifest window, PDT, DATERANGE, start tag, URL encode, child name",
      {
        hlsManifests: [
          {
            name: "main",
            childManifestName: "child",
            manifestWindowSeconds: 120,
            programDateTimeIntervalSeconds: 10,
            adMarkers: "DATERANGE",
            scteInManifests: "ALL",
            startTag: { timeOffset: -30, precise: true },
            urlEncodeChildManifest: true,
          },
        ],
      },
      "hlsManifests",
      [
        {
          manifestName: "main",
          childManifestName: "child",
          manifestWindowSeconds: 120,
          programDateTimeIntervalSeconds: 10,
          scteHls: { adMarkerHls: "DATERANGE", scteInManifests: "ALL" },
          startTag: { timeOffset: -30, precise: true },
          urlEncodeChildManifest: true,
        },
      ],
    ],
    [
      "HLS manifest filter and time delay",
      {
        startoverWindowSeconds: 3600,
        hlsManifests: [
          {
            name: "sd",
            filter: { manifestFilter: "video_height:1-720", timeDelaySeconds: 30, drmSettings: "exclude_session_keys" },
          },
        ],
      },
      "hlsManifests.0.filterConfiguration",
      { manifestFilter: "video_height:1-720", timeDelaySeconds: 30, drmSettings: "exclude_session_keys" },
    ],
    [
      "HLS manifest start/end window",
      { hlsManifests: [{ name: "w", filter: { start: "2025-01-01T00:00:00Z", end: "2025-01-01T01:00:00Z" } }] },
      "hlsManifests.0.filterConfiguration",
      { start: "2025-01-01T00:00:00Z", end: "2025-01-01T01:00:00Z" },
    ],
    [
      "low-latency HLS manifest (no default HLS/DASH then)",
      {
        lowLatencyHlsManifests: [
          { name: "ll", manifestWindowSeconds: 60, programDateTimeIntervalSeconds: 1, adMarkers: "SCTE35_ENHANCED" },
        ],
      },
      "lowLatencyHlsManifests",
      [
        {
          manifestName: "ll",
          manifestWindowSeconds: 60,
          programDateTimeIntervalSeconds: 1,
          scteHls: { adMarkerHls: "SCTE35_ENHANCED" },
        },
      ],
    ],
    [
      "DASH timing, template, period triggers, DRM signalling, UTC timing",
      {
        encryption: CMAF_ENC,
        dashManifests: [
          {
            name: "d",
            manifestWindowSeconds: 60,
            minUpdatePeriodSeconds: 2,
            minBufferTimeSeconds: 0,
            suggestedPresentationDelaySeconds: 3600,
            segmentTemplateFormat: "NUMBER_WITH_TIMELINE",
            periodTriggers: ["AVAILS", "DRM_KEY_ROTATION", "SOURCE_CHANGES", "SOURCE_DISRUPTIONS"],
            drmSignaling: "REFERENCED",
            utcTiming: { mode: "HTTP_ISO", source: "https://time.akamai.com/?iso" },
          },
        ],
      },
      "dashManifests",
      [
        {
          manifestName: "d",
          manifestWindowSeconds: 60,
          minUpdatePeriodSeconds: 2,
          minBufferTimeSeconds: 0,
          suggestedPresentationDelaySeconds: 3600,
          segmentTemplateFormat: "NUMBER_WITH_TIMELINE",
          periodTriggers: ["AVAILS", "DRM_KEY_ROTATION", "SOURCE_CHANGES", "SOURCE_DISRUPTIONS"],
          drmSignaling: "REFERENCED",
          utcTiming: { timingMode: "HTTP_ISO", timingSource: "https://time.akamai.com/?iso" },
        },
      ],
    ],
    [
      "DASH DVB profile, DVB settings, base URLs, compactness, program information, TTML, SCTE, filter",
      {
        dashManifests: [
          {
            name: "dvb",
            profiles: ["DVB_DASH"],
            dvbSettings: {
              fontDownload: {
                url: "https://fonts.example/f.woff",
                mimeType: "application/font-woff",
                fontFamily: "Tiresias",
              },
              errorMetrics: [{ reportingUrl: "https://metrics.example/r", probability: 50 }],
            },
            baseUrls: [{ url: "https://cdn-a.example/", serviceLocation: "a", dvbPriority: 1, dvbWeight: 10 }],
            compactness: "NONE",
            programInformation: { title: "News", languageCode: "fr" },
            ttmlProfile: "EBU_TT_D_101",
            adMarkers: "XML",
            scteInManifests: "MATCHES_FILTER",
            filter: { clipStartTime: "2025-01-01T00:00:00Z" },
          },
        ],
      },
      "dashManifests.0",
      {
        manifestName: "dvb",
        profiles: ["DVB_DASH"],
        dvbSettings: {
          fontDownload: {
            url: "https://fonts.example/f.woff",
            mimeType: "application/font-woff",
            fontFamily: "Tiresias",
          },
          errorMetrics: [{ reportingUrl: "https://metrics.example/r", probability: 50 }],
        },
        baseUrls: [{ url: "https://cdn-a.example/", serviceLocation: "a", dvbPriority: 1, dvbWeight: 10 }],
        compactness: "NONE",
        programInformation: { title: "News", languageCode: "fr" },
        subtitleConfiguration: { ttmlConfiguration: { ttmlProfile: "EBU_TT_D_101" } },
        scteDash: { adMarkerDash: "XML", scteInManifests: "MATCHES_FILTER" },
        filterConfiguration: { clipStartTime: "2025-01-01T00:00:00Z" },
      },
    ],
    [
      "MSS manifest window and layout",
      { container: "ISM", mssManifests: [{ name: "ss", manifestWindowSeconds: 60, layout: "COMPACT" }] },
      "mssManifests",
      [{ manifestName: "ss", manifestWindowSeconds: 60, manifestLayout: "COMPACT" }],
    ],
    [
      "encryption: key rotation one year (the maximum)",
      { encryption: { ...CMAF_ENC, keyRotationIntervalSeconds: 31_536_000 } },
      "segment.encryption.keyRotationIntervalSeconds",
      31_536_000,
    ],
    [
      "encryption: constant IV",
      { encryption: { ...CMAF_ENC, constantInitializationVector: "0123456789abcdef0123456789ABCDEF" } },
      "segment.encryption.constantInitializationVector",
      "0123456789abcdef0123456789ABCDEF",
    ],
    [
      "encryption: exclude segment DRM metadata",
      { encryption: { ...CMAF_ENC, excludeSegmentDrmMetadata: true } },
      "segment.encryption.cmafExcludeSegmentDrmMetadata",
      true,
    ],
    [
      "encryption: Irdeto with CENC",
      { encryption: { ...CMAF_ENC, drmSystems: ["IRDETO", "WIDEVINE"] } },
      "segment.encryption.spekeKeyProvider.drmSystems",
      ["IRDETO", "WIDEVINE"],
    ],
    [
      "encryption: ISM CENC PlayReady, SHARED presets, no rotation",
      {
        container: "ISM",
        encryption: { drmSystems: ["PLAYREADY"], method: "CENC", videoPreset: "SHARED", audioPreset: "SHARED" },
      },
      "segment.encryption",
      {
        encryptionMethod: { ismEncryptionMethod: "CENC" },
        spekeKeyProvider: {
          url: speke.url,
          roleArn: speke.roleArn,
          resourceId: "ep",
          drmSystems: ["PLAYREADY"],
          encryptionContractConfiguration: { presetSpeke20Video: "SHARED", presetSpeke20Audio: "SHARED" },
        },
      },
    ],
  ];
  for (const preset of [1, 2, 3, 4, 5, 6, 7, 8] as const) {
    cases.push([
      `encryption: SPEKE v2 video preset ${preset}`,
      { encryption: { ...CMAF_ENC, videoPreset: preset } },
      "segment.encryption.spekeKeyProvider.encryptionContractConfiguration.presetSpeke20Video",
      `PRESET_VIDEO_${preset}`,
    ]);
  }
  for (const preset of [1, 2, 3] as const) {
    cases.push([
      `encryption: SPEKE v2 audio preset ${preset}`,
      { encryption: { ...CMAF_ENC, audioPreset: preset } },
      "segment.encryption.spekeKeyProvider.encryptionContractConfiguration.presetSpeke20Audio",
      `PRESET_AUDIO_${preset}`,
    ]);
  }
  cases.push([
    "encryption: UNENCRYPTED audio with a video preset",
    { encryption: { ...CMAF_ENC, audioPreset: "UNENCRYPTED" } },
    "segment.encryption.spekeKeyProvider.encryptionContractConfiguration",
    { presetSpeke20Video: "PRESET_VIDEO_1", presetSpeke20Audio: "UNENCRYPTED" },
  ]);
  cases.push([
    "encryption: UNENCRYPTED video with an audio preset",
    { encryption: { ...CMAF_ENC, videoPreset: "UNENCRYPTED" } },
    "segment.encryption.spekeKeyProvider.encryptionContractConfiguration",
    { presetSpeke20Video: "UNENCRYPTED", presetSpeke20Audio: "PRESET_AUDIO_1" },
  ]);

  for (const [option, endpoint, path, expected] of cases) {
    it(option, async () => {
      await settle(origin(endpoint));
      assert.deepEqual(at(endpointInputs(), path), expected);
    });
  }

  it("every DRM system / method / container combination MediaPackage documents is accepted", async () => {
    // MediaPackage v2 user guide, "Container and DRM system support with SPEKE" + "MSS encryption and DRM".
    const ok: [Mp2EndpointArgs["container"], string, string[]][] = [
      ["TS", "SAMPLE_AES", ["FAIRPLAY"]],
      ["TS", "AES_128", ["CLEAR_KEY_AES_128"]],
      ["CMAF", "CBCS", ["FAIRPLAY", "WIDEVINE", "PLAYREADY"]],
      ["CMAF", "CENC", ["WIDEVINE", "PLAYREADY", "IRDETO"]],
      ["ISM", "CENC", ["PLAYREADY"]],
    ];
    const mp = new MediaPackageV2Origin("all", {
      speke,
      endpoints: ok.map(([container, method, drmSystems], i) => ({
        name: `e${i}`,
        container,
        encryption: {
          method: method as "CENC",
          drmSystems: drmSystems as ["WIDEVINE"],
          videoPreset: container === "ISM" ? "SHARED" : 1,
          audioPreset: container === "ISM" ? "SHARED" : 1,
        },
      })),
    });
    await settle(mp);
    assert.equal(ofType(rec, "aws-native:mediapackagev2:OriginEndpoint").length, ok.length);
  });

  it("channel: CMAF input, MQCS input switching with a preferred input, MQCS headers, ingest grant for a MediaLive role", async () => {
    const mp = new MediaPackageV2Origin("ch", {
      speke,
      inputType: "CMAF",
      channel: {
        inputSwitching: { mqcs: true, preferredInput: 2 },
        publishMqcs: true,
        ingestRoleArns: [MEDIALIVE_ROLE],
      },
      endpoints: [{ name: "ep", container: "CMAF" }],
    });
    await settle(mp);
    const ch = reveal(ofType(rec, "aws-native:mediapackagev2:Channel")[0]!.inputs) as Record<string, unknown>;
    assert.equal(ch.inputType, "CMAF");
    assert.deepEqual(ch.inputSwitchConfiguration, { mqcsInputSwitching: true, preferredInput: 2 });
    assert.deepEqual(ch.outputHeaderConfiguration, { publishMqcs: true });
    const pol = reveal(ofType(rec, "aws-native:mediapackagev2:ChannelPolicy")[0]!.inputs) as {
      policy: { Statement: Record<string, unknown>[] };
      channelName: string;
    };
    assert.equal(pol.channelName, "ch-channel");
    // Ingest is mediapackagev2:PutObject on the channel (AWS CDK grants.json "ingest"; MediaPackage v2 channel policy docs).
    assert.deepEqual(pol.policy.Statement[0], {
      Sid: "AllowEncoderIngest",
      Effect: "Allow",
      Principal: { AWS: MEDIALIVE_ROLE },
      Action: "mediapackagev2:PutObject",
      Resource: "arn:aws:mediapackagev2:eu-west-1:123456789012:channelGroup/ch/channel/ch-channel",
    });
    assert.equal(await pulumi.isSecret(mp.ingestEndpointUrls), false, "v2 ingest URLs carry no credential");
  });

  it("an ingest grant on an adopted channel", async () => {
    await settle(
      new MediaPackageV2Origin("ad", {
        speke,
        channelGroup: { existing: { name: "g" } },
        channel: { existing: { name: "c" }, ingestRoleArns: [MEDIALIVE_ROLE] },
        endpoints: [{ name: "ep", container: "CMAF" }],
      }),
    );
    assert.equal(ofType(rec, "aws-native:mediapackagev2:Channel").length, 0);
    const pol = reveal(ofType(rec, "aws-native:mediapackagev2:ChannelPolicy")[0]!.inputs) as {
      policy: { Statement: { Resource: string }[] };
    };
    assert.equal(
      pol.policy.Statement[0]!.Resource,
      "arn:aws:mediapackagev2:eu-west-1:123456789012:channelGroup/g/channel/c",
    );
  });

  it("CDN authorization: a created secret (Pulumi secret, JSON key MediaPackageV2CDNIdentifier), a role for mediapackagev2, the endpoint policy", async () => {
    const mp = origin({}, { access: { cdnAuth: {} } });
    await settle(mp);
    const version = ofType(rec, "aws:secretsmanager/secretVersion:SecretVersion")[0]!;
    assert.ok(isSecretValue(version.inputs.secretString), "the header value is a secret in state");
    // Key name: MediaPackage v2 user guide, CDN authorization setup (and AWS CDK CdnAuthConfiguration docs).
    assert.deepEqual(JSON.parse(reveal(version.inputs.secretString) as string), {
      MediaPackageV2CDNIdentifier: "0f8fad5b-d9cb-469f-a165-70867728950e",
    });
    const role = ofType(rec, "aws:iam/role:Role")[0]!;
    const trust = policyOf(role.inputs.assumeRolePolicy);
    assert.deepEqual(trust.Statement[0]!.Principal, { Service: "mediapackagev2.amazonaws.com" });
    const perms = policyOf(ofType(rec, "aws:iam/rolePolicy:RolePolicy")[0]!.inputs.policy);
    assert.deepEqual(perms.Statement[0]!.Action, [
      "secretsmanager:GetSecretValue",
      "secretsmanager:DescribeSecret",
      "secretsmanager:ListSecretVersionIds",
    ]);
    const pol = reveal(ofType(rec, "aws-native:mediapackagev2:OriginEndpointPolicy")[0]!.inputs) as Record<string, any>;
    assert.deepEqual(pol.cdnAuthConfiguration.cdnIdentifierSecretArns, [
      ofType(rec, "aws:secretsmanager/secret:Secret")[0]!.state.arn,
    ]);
    assert.equal(pol.cdnAuthConfiguration.secretsRoleArn, role.state.arn);
    assert.deepEqual(pol.policy.Statement[0].Condition, {
      Bool: { "mediapackagev2:RequestHasMatchingCdnAuthHeader": "true" },
    });
    assert.ok(await pulumi.isSecret(mp.cdnIdentifierHeaderValue));
    assert.equal(await value(mp.cdnIdentifierHeaderValue), "0f8fad5b-d9cb-469f-a165-70867728950e");
  });

  it("CDN authorization: adopted secret and role, nothing created", async () => {
    const secretArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:cdn-id-AbCdEf";
    const roleArn = "arn:aws:iam::123456789012:role/mp-cdn";
    await settle(origin({}, { access: { cdnAuth: { existingSecretArns: [secretArn], secretsRoleArn: roleArn } } }));
    assert.equal(ofType(rec, "aws:secretsmanager/secret:Secret").length, 0);
    assert.equal(ofType(rec, "aws:iam/role:Role").length, 0);
    const pol = reveal(ofType(rec, "aws-native:mediapackagev2:OriginEndpointPolicy")[0]!.inputs) as Record<string, any>;
    assert.deepEqual(pol.cdnAuthConfiguration, { cdnIdentifierSecretArns: [secretArn], secretsRoleArn: roleArn });
  });

  it("CloudFront origin access: the endpoint policy admits the distribution ARN", async () => {
    await settle(origin({}, { access: { cloudFrontDistributionArns: [DIST] } }));
    const pol = reveal(ofType(rec, "aws-native:mediapackagev2:OriginEndpointPolicy")[0]!.inputs) as Record<string, any>;
    assert.equal(pol.cdnAuthConfiguration, undefined);
    // CloudFront developer guide, "Restrict access to a MediaPackage v2 origin".
    assert.deepEqual(pol.policy.Statement[0], {
      Sid: "AllowCloudFrontOriginAccess",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: ["mediapackagev2:GetObject", "mediapackagev2:GetHeadObject"],
      Resource: "arn:aws:mediapackagev2:eu-west-1:123456789012:channelGroup/o/channel/o-channel/originEndpoint/ep",
      Condition: { StringEquals: { "aws:SourceArn": DIST } },
    });
  });

  it("outputs every playback URL by endpoint, kind and manifest name, and the endpoint ARNs", async () => {
    const mp = new MediaPackageV2Origin("u", {
      speke,
      endpoints: [
        {
          name: "cmaf",
          container: "CMAF",
          hlsManifests: ["a", "b"],
          lowLatencyHlsManifests: ["ll"],
          dashManifests: ["a"],
        },
        { name: "ism", container: "ISM" },
      ],
    });
    await settle(mp);
    const m = await value(mp.manifestUrls);
    assert.match(m.cmaf!.hls.b!, /\/cmaf\/b\.m3u8$/);
    assert.match(m.cmaf!.lowLatencyHls.ll!, /\/cmaf\/ll\.m3u8$/);
    assert.match(m.cmaf!.dash.a!, /\/cmaf\/a\.mpd$/);
    assert.match(m.ism!.mss.index!, /\/ism\/index\.ism\/Manifest$/);
    const p = await value(mp.playbackUrls);
    assert.equal(p.cmaf!.hls.length, 2);
    assert.equal(p.cmaf!.lowLatencyHls.length, 1);
    assert.match((await value(mp.endpointArns)).ism!, /originEndpoint\/ism$/);
  });
});

describe("components/aws MediaPackageV2Origin validation rules", function () {
  this.timeout(20_000);
  beforeEach(async () => {
    await installMocks();
  });

  const W = 'MediaPackageV2Origin endpoint "ep": ';
  // [rule, endpoint args, exact message (after the endpoint prefix)]
  const rules: [string, Partial<Mp2EndpointArgs>, string][] = [
    [
      "segment duration 1..30 s (100 s refused)",
      { segmentDurationSeconds: 100 },
      "segmentDurationSeconds must be an integer from 1 to 30 (got 100)",
    ],
    [
      "segment duration 0 refused",
      { segmentDurationSeconds: 0 },
      "segmentDurationSeconds must be an integer from 1 to 30 (got 0)",
    ],
    ["segment name pattern", { segmentName: "a b" }, 'segmentName must match /^[a-zA-Z0-9_-]{1,256}$/ (got "a b")'],
    [
      "startover window 60 s..14 days (10 s refused)",
      { startoverWindowSeconds: 10 },
      "startoverWindowSeconds must be an integer from 60 to 1209600 (got 10)",
    ],
    [
      "startover window above 14 days refused",
      { startoverWindowSeconds: 1_209_601 },
      "startoverWindowSeconds must be an integer from 60 to 1209600 (got 1209601)",
    ],
    [
      "TS options need TS",
      { tsUseAudioRenditionGroup: true },
      "tsUseAudioRenditionGroup is a TS option (container is CMAF) (got true)",
    ],
    [
      "TS DVB subtitles need TS",
      { tsIncludeDvbSubtitles: true },
      "tsIncludeDvbSubtitles is a TS option (container is CMAF) (got true)",
    ],
    [
      "SCTE filter values",
      { scte: { filter: ["ADS" as "BREAK"] } },
      'scte.filter[0] must be one of SPLICE_INSERT, BREAK, PROVIDER_ADVERTISEMENT, DISTRIBUTOR_ADVERTISEMENT, PROVIDER_PLACEMENT_OPPORTUNITY, DISTRIBUTOR_PLACEMENT_OPPORTUNITY, PROVIDER_OVERLAY_PLACEMENT_OPPORTUNITY, DISTRIBUTOR_OVERLAY_PLACEMENT_OPPORTUNITY, PROGRAM, CHAPTER, UNSCHEDULED_EVENT, ALTERNATE_CONTENT_OPPORTUNITY, NETWORK, PROVIDER_PROMO, DISTRIBUTOR_PROMO, PROVIDER_AD_BLOCK, DISTRIBUTOR_AD_BLOCK, CONTENT_IDENTIFICATION, CALL_AD_SERVER (got "ADS")',
    ],
    [
      "SCTE not with ISM",
      { container: "ISM", scte: { inSegments: "ALL" } },
      'scte is not available with the ISM container (got {"inSegments":"ALL"})',
    ],
    [
      "error conditions listed once",
      { forceEndpointErrorConditions: ["STALE_MANIFEST", "STALE_MANIFEST"] },
      'forceEndpointErrorConditions lists STALE_MANIFEST twice (got ["STALE_MANIFEST","STALE_MANIFEST"])',
    ],
    [
      "MISSING_DRM_KEY needs encryption",
      { forceEndpointErrorConditions: ["MISSING_DRM_KEY"] },
      'forceEndpointErrorConditions includes MISSING_DRM_KEY, which needs the endpoint\'s encryption (got ["MISSING_DRM_KEY"])',
    ],
    [
      "duplicate HLS manifest names",
      { hlsManifests: ["a", "a"] },
      'hlsManifests must not repeat a manifest name (duplicate manifest name) (got "a")',
    ],
    [
      "HLS and LL-HLS cannot share a name",
      { hlsManifests: ["a"], lowLatencyHlsManifests: ["a"] },
      'lowLatencyHlsManifests must not reuse an HLS manifest name (duplicate manifest name: both are .m3u8) (got "a")',
    ],
    [
      "duplicate DASH manifest names",
      { dashManifests: [{ name: "d" }, "d"] },
      'dashManifests must not repeat a manifest name (duplicate manifest name) (got "d")',
    ],
    [
      "DASH needs CMAF",
      { container: "TS", dashManifests: ["d"] },
      'dashManifests: DASH manifests need the CMAF container (container is TS) (got ["d"])',
    ],
    [
      "MSS needs ISM",
      { mssManifests: ["s"] },
      'mssManifests: MSS manifests need the ISM container (container is CMAF) (got ["s"])',
    ],
    [
      "no HLS with ISM",
      { container: "ISM", hlsManifests: ["h"] },
      'hlsManifests: HLS manifests are not available with the ISM container (use mssManifests) (got ["h"])',
    ],
    [
      "at least one manifest",
      { hlsManifests: [], dashManifests: [] },
      "manifests must list at least one manifest (HLS, low-latency HLS, DASH or MSS) (got [])",
    ],
    [
      "manifest name pattern",
      { hlsManifests: ["a.b"] },
      'hlsManifests[0].name must match /^[a-zA-Z0-9_-]{1,256}$/ (got "a.b")',
    ],
    [
      "manifest window at least 30 s",
      { hlsManifests: [{ name: "h", manifestWindowSeconds: 29 }] },
      "hlsManifests[0].manifestWindowSeconds must be an integer of at least 30 (got 29)",
    ],
    [
      "PDT interval 1..1,209,600 s",
      { lowLatencyHlsManifests: [{ name: "l", programDateTimeIntervalSeconds: 0 }] },
      "lowLatencyHlsManifests[0].programDateTimeIntervalSeconds must be an integer from 1 to 1209600 (got 0)",
    ],
    [
      "DATERANGE needs a PDT interval",
      { hlsManifests: [{ name: "h", adMarkers: "DATERANGE" }] },
      'hlsManifests[0].adMarkers needs programDateTimeIntervalSeconds of 1 or more (EXT-X-DATERANGE relies on EXT-X-PROGRAM-DATE-TIME) (got "DATERANGE")',
    ],
    [
      "start tag: positive offset below window - 3 segments",
      { hlsManifests: [{ name: "h", manifestWindowSeconds: 60, startTag: { timeOffset: 45 } }] },
      "hlsManifests[0].startTag.timeOffset must be less than manifestWindowSeconds minus 3 x segmentDurationSeconds (42) (got 45)",
    ],
    [
      "start tag: negative offset beyond 3 segments",
      { hlsManifests: [{ name: "h", startTag: { timeOffset: -18 } }] },
      "hlsManifests[0].startTag.timeOffset must be further back than 3 x segmentDurationSeconds (18 s) (got -18)",
    ],
    [
      "start tag: negative offset within the window",
      { hlsManifests: [{ name: "h", manifestWindowSeconds: 60, startTag: { timeOffset: -60 } }] },
      "hlsManifests[0].startTag.timeOffset must be within manifestWindowSeconds (60 s) (got -60)",
    ],
    [
      "time delay 0..1,209,600 s",
      { hlsManifests: [{ name: "h", filter: { timeDelaySeconds: -1 } }] },
      "hlsManifests[0].filter.timeDelaySeconds must be an integer from 0 to 1209600 (got -1)",
    ],
    [
      "time delay smaller than the startover window",
      { startoverWindowSeconds: 300, dashManifests: [{ name: "d", filter: { timeDelaySeconds: 300 } }] },
      "dashManifests[0].filter.timeDelaySeconds must be smaller than the endpoint's startoverWindowSeconds (300) (got 300)",
    ],
    [
      "manifest filter 1..1024 characters",
      { hlsManifests: [{ name: "h", filter: { manifestFilter: "" } }] },
      'hlsManifests[0].filter.manifestFilter must be a string of 1 to 1024 characters (got "")',
    ],
    [
      "clip start time not with start/end",
      {
        hlsManifests: [{ name: "h", filter: { clipStartTime: "2025-01-01T00:00:00Z", start: "2025-01-01T00:00:00Z" } }],
      },
      'hlsManifests[0].filter.clipStartTime cannot be combined with start or end (got "2025-01-01T00:00:00Z")',
    ],
    [
      "end after start",
      { hlsManifests: [{ name: "h", filter: { start: "2025-01-02T00:00:00Z", end: "2025-01-01T00:00:00Z" } }] },
      'hlsManifests[0].filter.end must be after start (2025-01-02T00:00:00Z) (got "2025-01-01T00:00:00Z")',
    ],
    [
      "timestamps are ISO 8601",
      { hlsManifests: [{ name: "h", filter: { start: "yesterday" } }] },
      'hlsManifests[0].filter.start must be an ISO 8601 timestamp (got "yesterday")',
    ],
    [
      "DASH min update period 1..3600 s",
      { dashManifests: [{ name: "d", minUpdatePeriodSeconds: 0 }] },
      "dashManifests[0].minUpdatePeriodSeconds must be an integer from 1 to 3600 (got 0)",
    ],
    [
      "DASH min buffer time 0..3600 s",
      { dashManifests: [{ name: "d", minBufferTimeSeconds: 3601 }] },
      "dashManifests[0].minBufferTimeSeconds must be an integer from 0 to 3600 (got 3601)",
    ],
    [
      "DASH suggested presentation delay 0..3600 s",
      { dashManifests: [{ name: "d", suggestedPresentationDelaySeconds: 4000 }] },
      "dashManifests[0].suggestedPresentationDelaySeconds must be an integer from 0 to 3600 (got 4000)",
    ],
    [
      "DASH segment template format",
      { dashManifests: [{ name: "d", segmentTemplateFormat: "TIME_WITH_TIMELINE" as "NUMBER_WITH_TIMELINE" }] },
      'dashManifests[0].segmentTemplateFormat must be one of NUMBER_WITH_TIMELINE (got "TIME_WITH_TIMELINE")',
    ],
    [
      "DASH period triggers",
      { dashManifests: [{ name: "d", periodTriggers: ["ADS" as "AVAILS"] }] },
      'dashManifests[0].periodTriggers[0] must be one of AVAILS, DRM_KEY_ROTATION, SOURCE_CHANGES, SOURCE_DISRUPTIONS, NONE (got "ADS")',
    ],
    [
      "DASH DRM signalling needs encryption",
      { dashManifests: [{ name: "d", drmSignaling: "INDIVIDUAL" }] },
      'dashManifests[0].drmSignaling needs the endpoint\'s encryption (got "INDIVIDUAL")',
    ],
    [
      "DASH UTC_DIRECT takes no source",
      { dashManifests: [{ name: "d", utcTiming: { mode: "UTC_DIRECT", source: "https://t" } }] },
      'dashManifests[0].utcTiming.source must be left out with mode UTC_DIRECT (got "https://t")',
    ],
    [
      "DASH DVB settings need the DVB_DASH profile",
      { dashManifests: [{ name: "d", dvbSettings: { fontDownload: { url: "https://f" } } }] },
      'dashManifests[0].dvbSettings needs profiles ["DVB_DASH"] (got [])',
    ],
    [
      "DASH DVB base URL weights need the DVB_DASH profile",
      { dashManifests: [{ name: "d", baseUrls: [{ url: "https://a/", dvbPriority: 1 }] }] },
      'dashManifests[0].baseUrls[0] sets dvbPriority/dvbWeight, which need profiles ["DVB_DASH"] (got "https://a/")',
    ],
    [
      "MSS layout",
      { container: "ISM", mssManifests: [{ name: "s", layout: "TINY" as "FULL" }] },
      'mssManifests[0].layout must be one of FULL, COMPACT (got "TINY")',
    ],
    // Encryption: MediaPackage v2 user guide, "Container and DRM system support with SPEKE" and "MSS encryption and DRM".
    [
      "CMAF CBCS refuses Irdeto (cenc only)",
      { encryption: { ...CMAF_ENC, method: "CBCS", drmSystems: ["IRDETO"] } },
      "encryption.drmSystems (CMAF CBCS): DRM system IRDETO is not allowed here (allowed: FAIRPLAY, PLAYREADY, WIDEVINE)",
    ],
    [
      "CMAF CENC refuses FairPlay",
      { encryption: { ...CMAF_ENC, drmSystems: ["FAIRPLAY"] } },
      "FairPlay needs CBCS (got CENC)",
    ],
    [
      "CMAF refuses Clear Key AES-128",
      { encryption: { ...CMAF_ENC, method: "CBCS", drmSystems: ["CLEAR_KEY_AES_128"] } },
      "encryption.drmSystems (CMAF CBCS): DRM system CLEAR_KEY_AES_128 is not allowed here (allowed: FAIRPLAY, PLAYREADY, WIDEVINE)",
    ],
    [
      "TS SAMPLE-AES is FairPlay only",
      { container: "TS", encryption: { ...CMAF_ENC, method: "SAMPLE_AES", drmSystems: ["WIDEVINE"] } },
      "encryption.drmSystems (TS SAMPLE_AES): DRM system WIDEVINE is not allowed here (allowed: FAIRPLAY)",
    ],
    [
      "TS AES-128 is Clear Key only",
      { container: "TS", encryption: { ...CMAF_ENC, method: "AES_128", drmSystems: ["FAIRPLAY"] } },
      "encryption.drmSystems (TS AES_128): DRM system FAIRPLAY is not allowed here (allowed: CLEAR_KEY_AES_128)",
    ],
    [
      "TS takes no CENC",
      { container: "TS", encryption: CMAF_ENC },
      'encryption.method: TS encryption method must be AES_128 or SAMPLE_AES (got "CENC")',
    ],
    [
      "ISM takes CENC only",
      {
        container: "ISM",
        encryption: {
          ...CMAF_ENC,
          method: "CBCS",
          drmSystems: ["PLAYREADY"],
          videoPreset: "SHARED",
          audioPreset: "SHARED",
        },
      },
      'encryption.method: ISM encryption method must be CENC (got "CBCS")',
    ],
    [
      "ISM is PlayReady only",
      {
        container: "ISM",
        encryption: { ...CMAF_ENC, drmSystems: ["WIDEVINE"], videoPreset: "SHARED", audioPreset: "SHARED" },
      },
      "encryption.drmSystems (ISM CENC): DRM system WIDEVINE is not allowed here (allowed: PLAYREADY)",
    ],
    [
      "ISM needs SHARED presets",
      { container: "ISM", encryption: { ...CMAF_ENC, drmSystems: ["PLAYREADY"] } },
      "encryption.videoPreset must be SHARED with the ISM container (MSS uses one key for audio and video) (got 1)",
    ],
    [
      "ISM has no key rotation",
      {
        container: "ISM",
        encryption: {
          ...CMAF_ENC,
          drmSystems: ["PLAYREADY"],
          videoPreset: "SHARED",
          audioPreset: "SHARED",
          keyRotationIntervalSeconds: 300,
        },
      },
      "encryption.keyRotationIntervalSeconds is not available with the ISM container (MSS has no key rotation) (got 300)",
    ],
    [
      "ISM has no constant IV",
      {
        container: "ISM",
        encryption: {
          ...CMAF_ENC,
          drmSystems: ["PLAYREADY"],
          videoPreset: "SHARED",
          audioPreset: "SHARED",
          constantInitializationVector: "00000000000000000000000000000000",
        },
      },
      'encryption.constantInitializationVector is not available with the ISM container (got "00000000000000000000000000000000")',
    ],
    [
      "key rotation 300 s..1 year",
      { encryption: { ...CMAF_ENC, keyRotationIntervalSeconds: 31_536_001 } },
      "encryption.keyRotationIntervalSeconds must be an integer from 300 to 31536000 (got 31536001)",
    ],
    [
      "constant IV is 32 hex characters",
      { encryption: { ...CMAF_ENC, constantInitializationVector: "abc" } },
      'encryption.constantInitializationVector must be 32 hexadecimal characters (16 bytes) (got "abc")',
    ],
    [
      "exclude segment DRM metadata is CMAF only",
      {
        container: "TS",
        encryption: {
          ...CMAF_ENC,
          method: "AES_128",
          drmSystems: ["CLEAR_KEY_AES_128"],
          excludeSegmentDrmMetadata: true,
        },
      },
      "encryption.excludeSegmentDrmMetadata is a CMAF option (container is TS) (got true)",
    ],
  ];
  for (const [rule, endpoint, message] of rules) {
    it(rule, () => {
      assert.throws(
        () => origin(endpoint),
        (e: Error) => {
          assert.equal(e.message, W + message);
          return true;
        },
      );
    });
  }

  it("the same rules run on values that resolve later (inside apply), with the same message", async () => {
    const errors = await applyErrors(() =>
      origin({ segmentDurationSeconds: pulumi.output(100), startoverWindowSeconds: Promise.resolve(10) }),
    );
    assert.ok(
      errors.some((m) => m.includes(W + "segmentDurationSeconds must be an integer from 1 to 30 (got 100)")),
      errors.join("\n"),
    );
    assert.ok(!errors.some((m) => /toString|Output<T>/.test(m)), "no Output toString in messages");
  });

  it("an http:// SPEKE URL is refused at plan time", () => {
    assert.throws(
      () =>
        new MediaPackageV2Origin("o", {
          speke: { ...speke, url: "http://keys.example/speke" },
          endpoints: [{ name: "ep", container: "CMAF" }],
        }),
      /MediaPackageV2Origin: speke.url "http:\/\/keys.example\/speke" must be an https URL/,
    );
  });

  it("channel rules: MQCS needs CMAF input, preferred input 1 or 2, ingest roles are role ARNs, adopted channels keep their settings", () => {
    const ep = [{ name: "ep", container: "CMAF" as const }];
    assert.throws(
      () => new MediaPackageV2Origin("c", { speke, endpoints: ep, channel: { inputSwitching: { mqcs: true } } }),
      {
        message:
          'MediaPackageV2Origin: channel.inputSwitching needs inputType CMAF (MQCS comes with CMAF ingest; got inputType "HLS")',
      },
    );
    assert.throws(
      () => new MediaPackageV2Origin("c", { speke, endpoints: ep, inputType: "HLS", channel: { publishMqcs: true } }),
      {
        message:
          'MediaPackageV2Origin: channel.publishMqcs needs inputType CMAF (MQCS comes with CMAF ingest; got inputType "HLS")',
      },
    );
    assert.throws(
      () =>
        new MediaPackageV2Origin("c", {
          speke,
          endpoints: ep,
          inputType: "CMAF",
          channel: { inputSwitching: { preferredInput: 3 as 1 } },
        }),
      { message: "MediaPackageV2Origin: channel.inputSwitching.preferredInput must be 1 or 2 (got 3)" },
    );
    assert.throws(
      () =>
        new MediaPackageV2Origin("c", { speke, endpoints: ep, channel: { ingestRoleArns: ["MediaLiveAccessRole"] } }),
      { message: 'MediaPackageV2Origin: channel.ingestRoleArns "MediaLiveAccessRole" is not a valid IAM role ARN' },
    );
    assert.throws(
      () =>
        new MediaPackageV2Origin("c", {
          speke,
          endpoints: ep,
          channelGroup: { existing: { name: "g" } },
          channel: { existing: { name: "c" }, publishMqcs: true },
        }),
      /an adopted channel \(channel.existing\) keeps its own/,
    );
  });

  it("access rules: distribution ARNs, secret ARNs, role ARN, header value length (never echoed)", () => {
    assert.throws(() => origin({}, { access: { cloudFrontDistributionArns: ["E2QWRUHAPOMQZL"] } }), {
      message:
        'MediaPackageV2Origin: access.cloudFrontDistributionArns "E2QWRUHAPOMQZL" is not a valid CloudFront distribution ARN',
    });
    assert.throws(() => origin({}, { access: { cdnAuth: { existingSecretArns: [] } } }), {
      message:
        "MediaPackageV2Origin: cdnAuth.existingSecretArns must list 1 to 100 Secrets Manager secret ARNs (got [])",
    });
    assert.throws(() => origin({}, { access: { cdnAuth: { secretsRoleArn: "role" } } }), {
      message: 'MediaPackageV2Origin: cdnAuth.secretsRoleArn "role" is not a valid IAM role ARN',
    });
    assert.throws(() => origin({}, { access: { cdnAuth: { headerValue: "short" } } }), {
      message: "MediaPackageV2Origin: cdnAuth.headerValue must be 8 to 256 characters (got 5 characters)",
    });
    assert.throws(
      () =>
        origin(
          {},
          {
            access: {
              cdnAuth: {
                headerValue: "long-enough-value",
                existingSecretArns: ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:x"],
              },
            },
          },
        ),
      /existingSecretArns or headerValue, not both/,
    );
  });
});
