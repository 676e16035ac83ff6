import assert from "node:assert/strict";
import { noPlayReadyTestDevicesInProd, playReadySecurityLevel, widevineSecurityLevel } from "../../../policy-pack/rules";
import { amsPolicy, keyDeliveryFunction, MODEL_TOKEN_RESTRICTION, playReadyOption, widevineOption } from "./fixtures";
import { run } from "./helpers";

describe("policy-pack/rules/drm", () => {
  describe("keyplane-playready-no-test-devices-in-prod", () => {
    it("passes allowTestDevices=false in prod and true in dev", () => {
      assert.deepEqual(run(noPlayReadyTestDevicesInProd, amsPolicy([playReadyOption({ allowTestDevices: false })])), []);
      assert.deepEqual(run(noPlayReadyTestDevicesInProd, amsPolicy([playReadyOption({ allowTestDevices: true })], "dev")), []);
    });
    it("fails allowTestDevices=true in prod (AMS and Keyplane model)", () => {
      const v = run(noPlayReadyTestDevicesInProd, amsPolicy([playReadyOption({ allowTestDevices: true })]));
      assert.equal(v.length, 1);
      assert.equal(v[0]?.path, "options[0].configuration.licenses[0].allowTestDevices");
      const fn = keyDeliveryFunction({ name: "p", options: [{ name: "pr", configuration: { type: "PlayReady", licenses: [{ allowTestDevices: true }] }, restriction: MODEL_TOKEN_RESTRICTION }] });
      assert.equal(run(noPlayReadyTestDevicesInProd, fn).length, 1);
    });
    it("treats an unknown environment as production", () => {
      const r = { ...amsPolicy([playReadyOption({ allowTestDevices: true })]), urn: undefined };
      assert.equal(run(noPlayReadyTestDevicesInProd, r).length, 1);
    });
  });

  describe("keyplane-playready-security-level", () => {
    it("passes SL2000 and SL3000 against the SL2000 default floor", () => {
      assert.deepEqual(run(playReadySecurityLevel, amsPolicy([playReadyOption({ securityLevel: "SL3000" })])), []);
      assert.deepEqual(run(playReadySecurityLevel, amsPolicy([playReadyOption({ securityLevel: "SL2000" })])), []);
    });
    it("fails SL150 (development level per Microsoft's PlayReady compliance rules) and SL2000 under an SL3000 floor", () => {
      assert.equal(run(playReadySecurityLevel, amsPolicy([playReadyOption({ securityLevel: "SL150" })])).length, 1);
      const v = run(playReadySecurityLevel, amsPolicy([playReadyOption({ securityLevel: "SL2000" })]), { playReadyMinSecurityLevel: "SL3000" });
      assert.equal(v.length, 1);
      assert.match(v[0]?.message ?? "", /SL2000; the floor is SL3000/);
    });
    it("fails a license without an explicit level", () => {
      assert.match(run(playReadySecurityLevel, amsPolicy([playReadyOption({ securityLevel: undefined })]))[0]?.message ?? "", /security level unset/);
    });
  });

  describe("keyplane-widevine-security-level", () => {
    const tpl = (level: number) => ({ allowed_track_types: "SD_HD", content_key_specs: [{ track_type: "SD", security_level: level }] });
    it("passes levels at or above the floor", () => {
      assert.deepEqual(run(widevineSecurityLevel, amsPolicy([widevineOption(tpl(1))])), []);
      assert.deepEqual(run(widevineSecurityLevel, amsPolicy([widevineOption(tpl(3))]), { widevineMinSecurityLevel: 3 }), []);
    });
    it("fails a level below the floor, naming the spec path", () => {
      const v = run(widevineSecurityLevel, amsPolicy([widevineOption(tpl(1))]), { widevineMinSecurityLevel: 3 });
      assert.equal(v.length, 1);
      assert.equal(v[0]?.path, "options[0].configuration.widevineTemplate.content_key_specs[0].security_level");
    });
    it("fails a template that is not JSON and a template with no specs under a raised floor", () => {
      assert.equal(run(widevineSecurityLevel, amsPolicy([widevineOption("not json")])).length, 1);
      assert.equal(run(widevineSecurityLevel, amsPolicy([widevineOption({})]), { widevineMinSecurityLevel: 2 }).length, 1);
    });
  });
});
