import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { contentKeyPolicySchema } from "../../functions/policy/model";
import { configKeyPath, parseStackSettings, rawSettingsFromConfig } from "../../stacks/config";
import { buildContentKeyPolicy } from "../../stacks/policy";
import { parseStackConfig } from "../../review/stack-config";
import { errorOf } from "../support/assert";

const ROOT = join(__dirname, "..", "..");
const raw = (file: string) =>
  rawSettingsFromConfig(parseStackConfig(readFileSync(join(ROOT, file), "utf8"), "keyplane", file).values);

describe("stacks/config", () => {
  for (const file of [
    "Pulumi.prod.yaml",
    "Pulumi.dev.yaml",
    "stacks/examples/Pulumi.vendor.yaml",
    "stacks/examples/Pulumi.azure.yaml",
    "stacks/examples/Pulumi.multi.yaml",
  ]) {
    it(`accepts the example ${file}`, () => {
      const s = parseStackSettings(raw(file));
      assert.ok(s.environment.length > 0);
    });
  }

  it("names the bad key: keyplane:aws.mediaPackage.rotationSeconds: must be >= 300", () => {
    const r = raw("Pulumi.prod.yaml") as { aws: { mediaPackage: { rotationSeconds: number } } };
    r.aws.mediaPackage.rotationSeconds = 60;
    assert.equal(
      errorOf(() => parseStackSettings(r)),
      "keyplane:aws.mediaPackage.rotationSeconds: must be >= 300",
    );
  });

  it("reports every problem with array indices and missing keys", () => {
    const r = raw("Pulumi.prod.yaml") as Record<string, any>;
    r.aws.mediaPackage.endpoints[1].container = "MP4";
    r.aws.mediaPackage.channelName = undefined;
    r.colour = "blue";
    const msg = errorOf(() => parseStackSettings(r));
    assert.match(msg, /^keyplane:colour: unknown setting/m);
    assert.match(msg, /^keyplane:aws\.mediaPackage\.endpoints\[1\]\.container: /m);
    assert.match(msg, /^keyplane:aws\.mediaPackage\.channelName: is required$/m);
    const r2 = raw("Pulumi.prod.yaml") as Record<string, any>;
    delete r2.aws.keyDelivery;
    assert.equal(
      errorOf(() => parseStackSettings(r2)),
      "keyplane:aws.keyDelivery: is required for composition aws-live",
    );
  });

  it("requires the cloud section of the composition and issuer/audience for tokens", () => {
    assert.match(
      errorOf(() =>
        parseStackSettings({
          environment: "prod",
          composition: "azure-vod",
          contentProtection: { restriction: "token" },
        }),
      ),
      /keyplane:azure: is required for composition azure-vod[\s\S]*keyplane:contentProtection\.issuer: is required/,
    );
    assert.match(
      errorOf(() => parseStackSettings({ environment: "prod", composition: "aws-live", aws: undefined })),
      /keyplane:aws: is required/,
    );
  });

  it("refuses * as a CORS origin and http vendor URLs", () => {
    const r = raw("Pulumi.prod.yaml") as Record<string, any>;
    r.aws.keyDelivery.corsAllowOrigins = ["*"];
    assert.match(
      errorOf(() => parseStackSettings(r)),
      /^keyplane:aws\.keyDelivery\.corsAllowOrigins\[0\]: must be an origin/m,
    );
    const v = raw("stacks/examples/Pulumi.vendor.yaml") as Record<string, any>;
    v.aws.vendor.url = "http://cpix.example.com/";
    assert.match(
      errorOf(() => parseStackSettings(v)),
      /^keyplane:aws\.vendor\.url: must be an https:\/\/ URL/m,
    );
  });

  it("formats config key paths", () => {
    assert.equal(
      configKeyPath(["aws", "mediaPackage", "endpoints", 0, "name"]),
      "keyplane:aws.mediaPackage.endpoints[0].name",
    );
  });

  it("builds a content key policy the shared policy model accepts (token via OIDC, and open)", () => {
    const prod = parseStackSettings(raw("Pulumi.prod.yaml"));
    const p = contentKeyPolicySchema.parse(buildContentKeyPolicy(prod.contentProtection));
    assert.deepEqual(
      p.options.map((o) => o.configuration.type),
      ["ClearKey", "Widevine", "PlayReady"],
    );
    assert.ok(
      p.options.every(
        (o) =>
          o.restriction.type === "Token" &&
          o.restriction.openIdConnectDiscoveryDocument === "https://login.example.com/.well-known/openid-configuration",
      ),
    );
    const dev = parseStackSettings(raw("Pulumi.dev.yaml"));
    assert.ok(
      contentKeyPolicySchema
        .parse(buildContentKeyPolicy(dev.contentProtection))
        .options.every((o) => o.restriction.type === "Open"),
    );
  });
});
