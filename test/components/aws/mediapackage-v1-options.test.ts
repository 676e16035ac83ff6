/**
 * MediaPackage v1 options at parity with v2 where v1 has them: time delay (MediaPackage v1 user guide, "Time delay":
 * less than the startover window, at most 86,400 s without one), HLS / DASH / MSS package settings (aws-native
 * mediapackage OriginEndpoint inputs), constant IV (32 hex characters), CDN authorization (v1 user guide "CDN
 * authorization": secret key MediaPackageCDNIdentifier, role assumed by mediapackage.amazonaws.com).
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { MediaPackageV1Origin, type Mp1EndpointArgs } from "../../../components/aws/mediapackage-v1-origin";
import {
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
const one = (e: Partial<Mp1EndpointArgs>, extra = {}) =>
  new MediaPackageV1Origin("v1", { speke, endpoints: [{ id: "ep", type: "HLS", ...e } as Mp1EndpointArgs], ...extra });

describe("components/aws MediaPackageV1Origin options", function () {
  this.timeout(20_000);
  let rec: Recorded[];
  beforeEach(async () => {
    rec = await installMocks();
  });
  const ep = () => reveal(ofType(rec, "aws-native:mediapackage:OriginEndpoint")[0]!.inputs) as Record<string, any>;

  it("time delay and startover window", async () => {
    await settle(one({ startoverWindowSeconds: 3600, timeDelaySeconds: 60 }));
    assert.equal(ep().startoverWindowSeconds, 3600);
    assert.equal(ep().timeDelaySeconds, 60);
  });
  it("HLS package settings", async () => {
    await settle(
      one({
        hls: {
          adMarkers: "DATERANGE",
          programDateTimeIntervalSeconds: 10,
          playlistWindowSeconds: 120,
          includeIframeOnlyStream: true,
          useAudioRenditionGroup: true,
        },
      }),
    );
    assert.deepEqual(
      { ...ep().hlsPackage },
      {
        segmentDurationSeconds: 6,
        adMarkers: "DATERANGE",
        programDateTimeIntervalSeconds: 10,
        playlistWindowSeconds: 120,
        includeIframeOnlyStream: true,
        useAudioRenditionGroup: true,
      },
    );
  });
  it("CMAF HLS manifest settings", async () => {
    await settle(one({ type: "CMAF", hls: { programDateTimeIntervalSeconds: 5, playlistWindowSeconds: 60 } }));
    assert.deepEqual(ep().cmafPackage.hlsManifests, [
      { id: "ep-hls", programDateTimeIntervalSeconds: 5, playlistWindowSeconds: 60 },
    ]);
  });
  it("DASH package settings", async () => {
    await settle(
      one({
        type: "DASH",
        dash: {
          manifestWindowSeconds: 60,
          minBufferTimeSeconds: 10,
          minUpdatePeriodSeconds: 2,
          suggestedPresentationDelaySeconds: 20,
          periodTriggers: ["ADS"],
          segmentTemplateFormat: "NUMBER_WITH_TIMELINE",
          utcTiming: "HTTP-ISO",
          utcTimingUri: "https://time.example/iso",
          profile: "DVB_DASH_2014",
        },
      }),
    );
    assert.deepEqual(ep().dashPackage, {
      segmentDurationSeconds: 6,
      manifestWindowSeconds: 60,
      minBufferTimeSeconds: 10,
      minUpdatePeriodSeconds: 2,
      suggestedPresentationDelaySeconds: 20,
      periodTriggers: ["ADS"],
      segmentTemplateFormat: "NUMBER_WITH_TIMELINE",
      utcTiming: "HTTP-ISO",
      utcTimingUri: "https://time.example/iso",
      profile: "DVB_DASH_2014",
    });
  });
  it("MSS manifest window", async () => {
    await settle(one({ type: "MSS", mss: { manifestWindowSeconds: 60 } }));
    assert.equal(ep().mssPackage.manifestWindowSeconds, 60);
  });
  it("constant IV on HLS encryption", async () => {
    await settle(
      one({
        encryption: { drmSystems: ["AES_128"], constantInitializationVector: "000102030405060708090a0b0c0d0e0f" },
      }),
    );
    assert.equal(ep().hlsPackage.encryption.constantInitializationVector, "000102030405060708090a0b0c0d0e0f");
  });
  it("constant IV on a VOD HLS configuration (CloudFormation PackagingConfiguration HlsEncryption has ConstantInitializationVector)", async () => {
    const iv = "000102030405060708090a0b0c0d0e0f";
    await settle(
      new MediaPackageV1Origin("v1", {
        speke,
        vod: {
          configurations: [
            { id: "hls", type: "HLS", encryption: { drmSystems: ["AES_128"], constantInitializationVector: iv } },
          ],
        },
      }),
    );
    const cfg = reveal(ofType(rec, "aws-native:mediapackage:PackagingConfiguration")[0]!.inputs) as Record<string, any>;
    assert.equal(cfg.hlsPackage.encryption.constantInitializationVector, iv);
    assert.equal(cfg.hlsPackage.encryption.encryptionMethod, "AES_128");
  });
  it("refuses a constant IV on a VOD CMAF configuration (PackagingConfiguration CmafEncryption has only SpekeKeyProvider)", () => {
    assert.throws(
      () =>
        new MediaPackageV1Origin("v1", {
          speke,
          vod: {
            configurations: [
              {
                id: "cmaf",
                type: "CMAF",
                encryption: {
                  drmSystems: ["WIDEVINE"],
                  constantInitializationVector: "000102030405060708090a0b0c0d0e0f",
                },
              },
            ],
          },
        }),
      {
        message:
          'MediaPackageV1Origin VOD configuration "cmaf": encryption.constantInitializationVector is not available on VOD CMAF configurations (only live CMAF endpoints and HLS)',
      },
    );
  });
  it("CDN authorization: created secret (JSON key MediaPackageCDNIdentifier) and a role for mediapackage.amazonaws.com on every live endpoint", async () => {
    const mp = one({}, { cdnAuth: {} });
    await settle(mp);
    const v = ofType(rec, "aws:secretsmanager/secretVersion:SecretVersion")[0]!;
    assert.ok(isSecretValue(v.inputs.secretString));
    assert.deepEqual(Object.keys(JSON.parse(reveal(v.inputs.secretString) as string)), ["MediaPackageCDNIdentifier"]);
    assert.deepEqual(policyOf(ofType(rec, "aws:iam/role:Role")[0]!.inputs.assumeRolePolicy).Statement[0]!.Principal, {
      Service: "mediapackage.amazonaws.com",
    });
    const auth = ep().authorization;
    assert.equal(auth.cdnIdentifierSecret, ofType(rec, "aws:secretsmanager/secret:Secret")[0]!.state.arn);
    assert.equal(auth.secretsRoleArn, ofType(rec, "aws:iam/role:Role")[0]!.state.arn);
    assert.ok(await pulumi.isSecret(mp.cdnIdentifierHeaderValue));
    assert.deepEqual(await value(mp.cdnAuth), { secretArn: auth.cdnIdentifierSecret, roleArn: auth.secretsRoleArn });
  });

  it("refuses, naming the endpoint, argument and value", () => {
    const W = 'MediaPackageV1Origin endpoint "ep": ';
    const cases: [Partial<Mp1EndpointArgs>, string][] = [
      [
        { startoverWindowSeconds: 300, timeDelaySeconds: 300 },
        "timeDelaySeconds must be an integer from 0 to 299 (less than startoverWindowSeconds) (got 300)",
      ],
      [
        { timeDelaySeconds: 86_401 },
        "timeDelaySeconds must be an integer from 0 to 86400 (at most 24 h without a startover window) (got 86401)",
      ],
      [{ type: "DASH", hls: { playlistWindowSeconds: 60 } }, "hls options need an HLS or CMAF endpoint (type is DASH)"],
      [{ dash: { manifestWindowSeconds: 60 } }, "dash options need a DASH endpoint (type is HLS)"],
      [{ mss: { manifestWindowSeconds: 60 } }, "mss options need an MSS endpoint (type is HLS)"],
      [
        { hls: { adMarkers: "DATERANGE" } },
        "hls.adMarkers DATERANGE needs hls.programDateTimeIntervalSeconds greater than 0 (got undefined)",
      ],
      [
        { encryption: { drmSystems: ["AES_128"], constantInitializationVector: "xyz" } },
        'encryption.constantInitializationVector must be 32 hexadecimal characters (got "xyz")',
      ],
      [
        {
          type: "DASH",
          encryption: { drmSystems: ["WIDEVINE"], constantInitializationVector: "000102030405060708090a0b0c0d0e0f" },
        },
        "encryption.constantInitializationVector is an HLS / CMAF option (type is DASH)",
      ],
    ];
    for (const [e, m] of cases) assert.throws(() => one(e), { message: W + m });
    assert.throws(
      () =>
        one(
          {},
          {
            cdnAuth: {
              existingSecretArns: [
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:a",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:b",
              ],
            },
          },
        ),
      {
        message:
          'MediaPackageV1Origin: cdnAuth.existingSecretArns must list 1 to 1 Secrets Manager secret ARNs (got ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:a","arn:aws:secretsmanager:eu-west-1:123456789012:secret:b"])',
      },
    );
  });
});
