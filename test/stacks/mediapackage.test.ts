/**
 * MediaPackage v1 + v2 and the SPEKE content key encryption certificate in one aws-live stack
 * (stacks/examples/Pulumi.mediapackage.yaml): the offline review runs the real stack program in process on Pulumi's
 * mock runtime once; config validation and the policy rules are then checked on its recording and on broken copies.
 * Certificates for the failing cases are made with the openssl CLI (independent of node:crypto).
 */
import { selfSignedCertificate } from "../support/openssl";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  certificateRsa2048,
  evaluate,
  mediaPackageKeyRotation,
  mediaPackagePresets,
  type Finding,
} from "../../policy-pack/rules";
import { defaultRuleConfig } from "../../policy-pack/rules/types";
import { parseStackSettings, rawSettingsFromConfig } from "../../stacks/config";
import type { RecordedResource } from "../../review/record";
import type { ReviewResult } from "../../review/report";
import { review } from "../../review/run";
import { parseStackConfig, SECRET_PLACEHOLDER } from "../../review/stack-config";
import { errorOf } from "../support/assert";

const ROOT = join(__dirname, "..", "..");
const EXAMPLE = "stacks/examples/Pulumi.mediapackage.yaml";
const exampleText = readFileSync(join(ROOT, EXAMPLE), "utf8");
const raw = (text: string) =>
  rawSettingsFromConfig(parseStackConfig(text, "keyplane", EXAMPLE).values) as Record<string, any>;

function makeCert(name: string, bits: number): { cert: string; key: string } {
  const c = selfSignedCertificate([`rsa:${bits}`], { commonName: name });
  return { cert: c.certPem, key: c.keyPem };
}

describe("stacks: MediaPackage v1 + v2 with a SPEKE certificate (example Pulumi.mediapackage.yaml)", function () {
  this.timeout(60_000);
  const dir = mkdtempSync(join(tmpdir(), "kp-mp1-"));
  let result: ReviewResult;
  let resources: RecordedResource[];
  const ofType = (t: string) => resources.filter((r) => r.type === t);
  const one = (t: string, name: string) => {
    const r = resources.find((x) => x.type === t && x.name === name);
    assert.ok(r, `${t} ${name}`);
    return r;
  };

  before(async () => {
    result = await review({ stack: "mediapackage", root: ROOT, configFile: join(ROOT, EXAMPLE) });
    resources = result.resources;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("validates the example config, with the private key only as a secure: value", () => {
    const s = parseStackSettings(raw(exampleText));
    assert.equal(s.composition, "aws-live");
    assert.equal(s.aws?.mediaPackageV1?.endpoints.length, 4);
    assert.match(s.aws?.spekeCertificate?.certificatePem ?? "", /^-----BEGIN CERTIFICATE-----/);
    assert.doesNotMatch(exampleText, /PRIVATE KEY/, "no private key is committed");
    const c = parseStackConfig(exampleText, "keyplane", EXAMPLE);
    assert.ok(c.secretKeys.includes("keyplane:spekePrivateKey"));
    assert.equal(c.values["keyplane:spekePrivateKey"], SECRET_PLACEHOLDER);
    // Written in plain text, the review flags it (keyplane-config-secrets-encrypted).
    assert.deepEqual(
      parseStackConfig("config:\n  keyplane:spekePrivateKey: abc\n", "keyplane").plainSecretLookingKeys,
      ["keyplane:spekePrivateKey"],
    );
  });

  it("passes the offline review: no violations", () => {
    assert.deepEqual(result.findings, []);
    for (const rule of [
      "keyplane-mediapackage-key-rotation",
      "keyplane-mediapackage-presets",
      "keyplane-certificate-rsa-2048",
    ])
      assert.ok(result.rulesApplied.includes(rule), rule);
  });

  it("creates the v1 channel and HLS / DASH / CMAF / MSS endpoints with PRESET-VIDEO-1 presets and key rotation 0", () => {
    assert.equal(one("aws-native:mediapackage:Channel", "keyplane-prod-origin-v1-channel").props.awsId, "live-v1");
    const pkg = { "hls-fairplay": "hlsPackage", "dash-cenc": "dashPackage", "cmaf-cbcs-v1": "cmafPackage" } as const;
    for (const [id, key] of Object.entries(pkg)) {
      const ep = one("aws-native:mediapackage:OriginEndpoint", `keyplane-prod-origin-v1-${id}`);
      const enc = (ep.props[key] as { encryption: Record<string, any> }).encryption;
      assert.equal(enc.keyRotationIntervalSeconds, 0, id);
      assert.deepEqual(
        enc.spekeKeyProvider.encryptionContractConfiguration,
        { presetSpeke20Video: "PRESET-VIDEO-1", presetSpeke20Audio: "PRESET-AUDIO-1" },
        id,
      );
    }
    // MSS takes no encryption contract (SPEKE v1, one key) and no certificate.
    const mss = one("aws-native:mediapackage:OriginEndpoint", "keyplane-prod-origin-v1-mss-playready").props
      .mssPackage as { encryption: { spekeKeyProvider: Record<string, unknown> } };
    assert.equal(mss.encryption.spekeKeyProvider.encryptionContractConfiguration, undefined);
    assert.deepEqual(mss.encryption.spekeKeyProvider.systemIds, ["9a04f079-9840-4286-ab92-e65be0885f95"]);
    assert.equal(
      one("aws-native:mediapackage:PackagingGroup", "keyplane-prod-origin-v1-vod").props.awsId,
      "keyplane-vod",
    );
    assert.equal(ofType("aws-native:mediapackage:PackagingConfiguration").length, 2);
  });

  it("imports the certificate into ACM with the private key marked secret, and deploys the expiry watchdog", () => {
    const acm = ofType("aws:acm/certificate:Certificate");
    assert.equal(acm.length, 1);
    assert.ok(acm[0]!.secretInputs.includes("privateKey"), `secret inputs: ${acm[0]!.secretInputs.join(", ")}`);
    assert.equal(acm[0]!.props.privateKey, SECRET_PLACEHOLDER, "offline: the placeholder, never a real key");
    assert.equal(
      String(acm[0]!.props.certificateBody).trim(),
      parseStackSettings(raw(exampleText)).aws?.spekeCertificate?.certificatePem,
    );
    assert.ok(
      resources.some(
        (r) => r.type === "aws:lambda/function:Function" && r.name === "keyplane-prod-speke-cert-watchdog-fn",
      ),
    );
    assert.ok(
      resources.some(
        (r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm" && r.name === "keyplane-prod-speke-cert-expiry",
      ),
    );
  });

  it("points the v2 endpoint and the v1 live endpoints at the certificate ARN and the same SPEKE server", () => {
    const arn = "arn:aws:acm:eu-west-1:123456789012:certificate/keyplane-prod-speke-cert-cert";
    const v2 = one("aws-native:mediapackagev2:OriginEndpoint", "keyplane-prod-origin-cmaf-cbcs").props as Record<
      string,
      any
    >;
    const p2 = v2.segment.encryption.spekeKeyProvider;
    assert.equal(p2.certificateArn, arn);
    assert.deepEqual(p2.encryptionContractConfiguration, {
      presetSpeke20Video: "PRESET_VIDEO_2",
      presetSpeke20Audio: "PRESET_AUDIO_1",
    });
    const hls = one("aws-native:mediapackage:OriginEndpoint", "keyplane-prod-origin-v1-hls-fairplay").props as Record<
      string,
      any
    >;
    const p1 = hls.hlsPackage.encryption.spekeKeyProvider;
    assert.equal(p1.certificateArn, arn);
    assert.equal(p1.url, p2.url, "one SPEKE server for v1 and v2");
    assert.equal(p1.roleArn, p2.roleArn);
  });

  it("the policy rules for MediaPackage v1 and certificates pass on the recording, and fail on broken copies", () => {
    const checked = resources.filter(
      (r) => r.type.startsWith("aws-native:mediapackage") || r.type === "aws:acm/certificate:Certificate",
    );
    for (const rule of [mediaPackageKeyRotation, mediaPackagePresets, certificateRsa2048]) {
      for (const r of checked)
        assert.deepEqual(rule.check(r, { ...defaultRuleConfig, environment: "prod" }), [], `${rule.name} ${r.name}`);
    }
    // v1 with presets and rotation 60 (the API default) is refused by keyplane-mediapackage-key-rotation.
    const dash = one("aws-native:mediapackage:OriginEndpoint", "keyplane-prod-origin-v1-dash-cenc");
    const rotated = structuredClone(dash);
    (rotated.props.dashPackage as { encryption: Record<string, unknown> }).encryption.keyRotationIntervalSeconds = 60;
    const f1: Finding[] = evaluate([rotated], {}, { environment: "prod" });
    assert.deepEqual(
      f1.map((f) => [f.rule, f.resource.name, f.path]),
      [
        [
          "keyplane-mediapackage-key-rotation",
          "keyplane-prod-origin-v1-dash-cenc",
          "dashPackage.encryption.keyRotationIntervalSeconds",
        ],
      ],
    );
    // A stricter pack config (RSA >= 4096) refuses the 2048-bit certificate, naming the rule and the ACM resource.
    const f2 = evaluate(resources, { "keyplane-certificate-rsa-2048": { minRsaBits: 4096 } }, { environment: "prod" });
    assert.deepEqual(
      f2.map((f) => [f.rule, f.enforcementLevel, f.resource.name, f.path]),
      [["keyplane-certificate-rsa-2048", "mandatory", "keyplane-prod-speke-cert-cert", "certificateBody"]],
    );
  });

  it("config validation refuses a 1024-bit certificate, v1 rotation with presets and a plain private key, naming the key", () => {
    const weak = makeCert("weak", 1024);
    const r1 = raw(exampleText);
    r1.aws.spekeCertificate.certificatePem = weak.cert;
    assert.equal(
      errorOf(() => parseStackSettings(r1)),
      "keyplane:aws.spekeCertificate.certificatePem: the certificate key must be 2048-bit RSA (got 1024 bits)",
    );
    const r2 = raw(exampleText);
    r2.aws.mediaPackageV1.endpoints[1].keyRotationIntervalSeconds = 60;
    assert.match(
      errorOf(() => parseStackSettings(r2)),
      /^keyplane:aws\.mediaPackageV1\.endpoints\[1\]\.keyRotationIntervalSeconds: must be 0 with presets/,
    );
    const r3 = raw(exampleText);
    r3.aws.spekeCertificate.privateKey = weak.key;
    assert.match(
      errorOf(() => parseStackSettings(r3)),
      /^keyplane:aws\.spekeCertificate: unknown setting privateKey \(the private key is the secret keyplane:spekePrivateKey/,
    );
    const r4 = raw(exampleText);
    r4.aws.mediaPackageV1.endpoints[3].videoPreset = 1;
    r4.aws.mediaPackageV1.endpoints[0].drmSystems = ["WIDEVINE"];
    const msg = errorOf(() => parseStackSettings(r4));
    assert.match(
      msg,
      /^keyplane:aws\.mediaPackageV1\.endpoints\[3\]\.videoPreset: MSS does not take an encryption contract/m,
    );
    assert.match(
      msg,
      /^keyplane:aws\.mediaPackageV1\.endpoints\[0\]\.drmSystems\[0\]: WIDEVINE is not allowed for HLS SAMPLE_AES/m,
    );
    const r5 = raw(exampleText);
    delete r5.aws.mediaPackage;
    delete r5.aws.mediaPackageV1;
    assert.equal(
      errorOf(() => parseStackSettings(r5)),
      "keyplane:aws.mediaPackage: is required for composition aws-live (or aws.mediaPackageV1)",
    );
  });

  it("the program requires keyplane:spekePrivateKey with a certificate, naming the key", async () => {
    const noKey = join(dir, "Pulumi.nokey.yaml");
    const text = exampleText.replace(/ {2}keyplane:spekePrivateKey:\n {4}secure: \S+\n/, "");
    assert.notEqual(text, exampleText);
    writeFileSync(noKey, text);
    await assert.rejects(
      review({ stack: "nokey", root: ROOT, configFile: noKey }),
      /keyplane:spekePrivateKey: is required with keyplane:aws\.spekeCertificate/,
    );
  });
});
