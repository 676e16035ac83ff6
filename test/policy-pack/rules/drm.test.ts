import assert from "node:assert/strict";
import {
  noPlayReadyTestDevicesInProd,
  playReadySecurityLevel,
  widevineSecurityLevel,
} from "../../../policy-pack/rules";
import {
  amsPolicy,
  assertFindings,
  keyDeliveryFunction,
  MODEL_TOKEN_RESTRICTION,
  playReadyOption,
  run,
  widevineOption,
} from "../../support/policy-rules";

describe("policy-pack/rules/drm", () => {
  describe("keyplane-playready-no-test-devices-in-prod", () => {
    it("passes allowTestDevices=false in prod and true in dev", () => {
      assert.deepEqual(
        run(noPlayReadyTestDevicesInProd, amsPolicy([playReadyOption({ allowTestDevices: false })])),
        [],
      );
      assert.deepEqual(
        run(noPlayReadyTestDevicesInProd, amsPolicy([playReadyOption({ allowTestDevices: true })], "dev")),
        [],
      );
    });
    it("fails allowTestDevices=true in prod (AMS and Keyplane model)", () => {
      const v = run(noPlayReadyTestDevicesInProd, amsPolicy([playReadyOption({ allowTestDevices: true })]));
      assertFindings(v, [
        [
          "keyplane-playready-no-test-devices-in-prod",
          'PlayReady license of option "playready" allows test devices in production',
          "options[0].configuration.licenses[0].allowTestDevices",
        ],
      ]);
      const fn = keyDeliveryFunction({
        name: "p",
        options: [
          {
            name: "pr",
            configuration: { type: "PlayReady", licenses: [{ allowTestDevices: true }] },
            restriction: MODEL_TOKEN_RESTRICTION,
          },
        ],
      });
      assertFindings(run(noPlayReadyTestDevicesInProd, fn), [
        [
          "keyplane-playready-no-test-devices-in-prod",
          'PlayReady license of option "pr" allows test devices in production',
          "environment.variables.KEYPLANE_POLICY.options[0].configuration.licenses[0].allowTestDevices",
        ],
      ]);
    });
    it("treats an unknown environment as production", () => {
      const r = { ...amsPolicy([playReadyOption({ allowTestDevices: true })]), urn: undefined };
      assertFindings(run(noPlayReadyTestDevicesInProd, r), [
        [
          "keyplane-playready-no-test-devices-in-prod",
          'PlayReady license of option "playready" allows test devices in production',
          "options[0].configuration.licenses[0].allowTestDevices",
        ],
      ]);
    });
  });

  describe("keyplane-playready-security-level", () => {
    it("passes SL2000 and SL3000 against the SL2000 default floor", () => {
      assert.deepEqual(run(playReadySecurityLevel, amsPolicy([playReadyOption({ securityLevel: "SL3000" })])), []);
      assert.deepEqual(run(playReadySecurityLevel, amsPolicy([playReadyOption({ securityLevel: "SL2000" })])), []);
    });
    it("fails SL150 (development level per Microsoft's PlayReady compliance rules) and SL2000 under an SL3000 floor", () => {
      assertFindings(run(playReadySecurityLevel, amsPolicy([playReadyOption({ securityLevel: "SL150" })])), [
        [
          "keyplane-playready-security-level",
          'PlayReady license of option "playready" has security level SL150; the floor is SL2000',
          "options[0].configuration.licenses[0].securityLevel",
        ],
      ]);
      const v = run(playReadySecurityLevel, amsPolicy([playReadyOption({ securityLevel: "SL2000" })]), {
        playReadyMinSecurityLevel: "SL3000",
      });
      assertFindings(v, [
        [
          "keyplane-playready-security-level",
          'PlayReady license of option "playready" has security level SL2000; the floor is SL3000',
          "options[0].configuration.licenses[0].securityLevel",
        ],
      ]);
    });
    it("fails a license without an explicit level", () => {
      assertFindings(run(playReadySecurityLevel, amsPolicy([playReadyOption({ securityLevel: undefined })])), [
        [
          "keyplane-playready-security-level",
          'PlayReady license of option "playready" has security level unset; the floor is SL2000',
          "options[0].configuration.licenses[0].securityLevel",
        ],
      ]);
    });
  });

  describe("keyplane-widevine-security-level", () => {
    const tpl = (level: number) => ({
      allowed_track_types: "SD_HD",
      content_key_specs: [{ track_type: "SD", security_level: level }],
    });
    it("passes levels at or above the floor", () => {
      assert.deepEqual(run(widevineSecurityLevel, amsPolicy([widevineOption(tpl(1))])), []);
      assert.deepEqual(
        run(widevineSecurityLevel, amsPolicy([widevineOption(tpl(3))]), { widevineMinSecurityLevel: 3 }),
        [],
      );
    });
    it("fails a level below the floor, naming the spec path", () => {
      const v = run(widevineSecurityLevel, amsPolicy([widevineOption(tpl(1))]), { widevineMinSecurityLevel: 3 });
      assertFindings(v, [
        [
          "keyplane-widevine-security-level",
          'Widevine content key spec 0 of option "widevine" has security level 1; the floor is 3',
          "options[0].configuration.widevineTemplate.content_key_specs[0].security_level",
        ],
      ]);
    });
    it("fails a template that is not JSON and a template with no specs under a raised floor", () => {
      assertFindings(run(widevineSecurityLevel, amsPolicy([widevineOption("not json")])), [
        [
          "keyplane-widevine-security-level",
          'Widevine template of option "widevine" is not a JSON object',
          "options[0].configuration.widevineTemplate",
        ],
      ]);
      assertFindings(run(widevineSecurityLevel, amsPolicy([widevineOption({})]), { widevineMinSecurityLevel: 2 }), [
        [
          "keyplane-widevine-security-level",
          'Widevine template of option "widevine" sets no content_key_specs, so its security level defaults to 1 (floor 2)',
          "options[0].configuration.widevineTemplate",
        ],
      ]);
    });
  });
});
