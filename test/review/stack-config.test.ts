import assert from "node:assert/strict";
import { parseStackConfig, SECRET_PLACEHOLDER } from "../../review/stack-config";

describe("review/stack-config", () => {
  it("flattens config like the Pulumi CLI: namespaces, JSON for structured values, secure values as secrets", () => {
    const c = parseStackConfig(
      [
        "config:",
        "  aws:region: eu-west-1",
        "  environment: prod",
        "  keyplane:aws:",
        "    logRetentionDays: 90",
        "  keyplane:keySeed:",
        "    secure: v1:AAAA",
        "  keyplane:vendorCredential:",
        "    key:",
        "      secure: v1:BBBB",
        "",
      ].join("\n"),
      "keyplane",
    );
    assert.equal(c.values["aws:region"], "eu-west-1");
    assert.equal(c.values["keyplane:environment"], "prod");
    assert.deepEqual(JSON.parse(c.values["keyplane:aws"] ?? ""), { logRetentionDays: 90 });
    assert.equal(c.values["keyplane:keySeed"], SECRET_PLACEHOLDER);
    assert.deepEqual(JSON.parse(c.values["keyplane:vendorCredential"] ?? ""), { key: SECRET_PLACEHOLDER });
    assert.deepEqual(c.secretKeys.sort(), ["keyplane:keySeed", "keyplane:vendorCredential"]);
    assert.deepEqual(c.plainSecretLookingKeys, []);
  });
  it("reports secret-looking keys written in plain text", () => {
    const c = parseStackConfig("config:\n  keyplane:keySeed: c2VlZA==\n  keyplane:tokenKey: abc\n", "keyplane");
    assert.deepEqual(c.plainSecretLookingKeys.sort(), ["keyplane:keySeed", "keyplane:tokenKey"]);
  });
  it("knows the line of each config key, for SARIF regions (counted by hand in the text below)", () => {
    const text = [
      "# comment",
      "config:",
      "  aws:region: eu-west-1",
      "",
      "  keyplane:aws:",
      "    logRetentionDays: 90",
      '  "keyplane:tokenKey": abc',
      "  environment: prod",
      "other: 1",
      "",
    ].join("\n");
    assert.deepEqual(parseStackConfig(text, "keyplane").keyLines, {
      "aws:region": 3,
      "keyplane:aws": 5,
      "keyplane:tokenKey": 7,
      "keyplane:environment": 8,
    });
  });
  it("refuses YAML that is not a stack config", () => {
    assert.throws(() => parseStackConfig("config: [1, 2]\n", "keyplane"), /"config" must be a mapping/);
    assert.throws(() => parseStackConfig("config:\n  a: [\n", "keyplane"), /not valid YAML/);
  });
});
