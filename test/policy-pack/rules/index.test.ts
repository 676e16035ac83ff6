import assert from "node:assert/strict";
import { evaluate, parsePackConfig, rules, ruleConfigFor } from "../../../policy-pack/rules";
import { toPolicy, policyPackArgs } from "../../../policy-pack";
import { AMS_OPEN_RESTRICTION, amsPolicy, playReadyOption } from "../../support/policy-rules";

describe("policy-pack/rules/index", () => {
  it("has at least 15 rules with unique, stable keyplane-* names and descriptions", () => {
    assert.ok(rules.length >= 15);
    const names = rules.map((r) => r.name);
    assert.equal(new Set(names).size, names.length);
    for (const r of rules) {
      assert.match(r.name, /^keyplane-[a-z0-9-]+$/);
      assert.ok(r.description.length > 20);
    }
  });

  it("evaluates every rule and attaches resource and level", () => {
    const f = evaluate([
      amsPolicy([playReadyOption({ allowTestDevices: true, securityLevel: "SL150" }, AMS_OPEN_RESTRICTION)]),
    ]);
    assert.deepEqual([...new Set(f.map((x) => x.rule))].sort(), [
      "keyplane-no-open-restriction",
      "keyplane-playready-no-test-devices-in-prod",
      "keyplane-playready-security-level",
    ]);
    assert.ok(f.every((x) => x.enforcementLevel === "mandatory" && x.resource.name === "ckp"));
  });

  it("applies pack config: levels per rule, 'all', disabled rules, and settings", () => {
    const r = amsPolicy([playReadyOption({ securityLevel: "SL2000" }, AMS_OPEN_RESTRICTION)]);
    const cfg = parsePackConfig({
      all: "advisory",
      "keyplane-no-open-restriction": "disabled",
      "keyplane-playready-security-level": { enforcementLevel: "mandatory", playReadyMinSecurityLevel: "SL3000" },
    });
    const f = evaluate([r], cfg);
    assert.deepEqual(
      f.map((x) => [x.rule, x.enforcementLevel]),
      [["keyplane-playready-security-level", "mandatory"]],
    );
    assert.equal(ruleConfigFor(rules[0]!, cfg).enforcementLevel, "disabled");
  });

  it("refuses unknown rules, levels and settings with a clear message", () => {
    assert.throws(() => parsePackConfig({ "no-such-rule": "advisory" }), /no-such-rule: unknown rule/);
    assert.throws(() => parsePackConfig({ "keyplane-log-retention": "loud" }), /enforcement level/);
    assert.throws(
      () => parsePackConfig({ "keyplane-log-retention": { maxLogRetentionDays: "ten" } }),
      /maxLogRetentionDays: must be an integer/,
    );
    assert.throws(() => parsePackConfig({ "keyplane-log-retention": { colour: 1 } }), /colour: unknown setting/);
  });

  it("wires rules into @pulumi/policy shapes (the pack folder's index.js constructs the PolicyPack)", () => {
    const args = policyPackArgs();
    assert.equal(args.policies.length, rules.length);
    const p = toPolicy(rules.find((r) => r.name === "keyplane-playready-security-level")!);
    assert.deepEqual(Object.keys(p.configSchema?.properties ?? {}), ["playReadyMinSecurityLevel"]);
    // Drive validateResource the way the policy server does, with per-policy config.
    const reported: string[] = [];
    const validate = p.validateResource as (a: unknown, report: (m: string) => void) => void;
    const r = amsPolicy([playReadyOption({ securityLevel: "SL2000" })]);
    validate({ ...r, urn: r.urn ?? "", getConfig: () => ({ playReadyMinSecurityLevel: "SL3000" }) }, (m) =>
      reported.push(m),
    );
    assert.equal(reported.length, 1);
    assert.match(reported[0] ?? "", /floor is SL3000 \[options\[0\]\.configuration\.licenses\[0\]\.securityLevel\]/);
  });
});
