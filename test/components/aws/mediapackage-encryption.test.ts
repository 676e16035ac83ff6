/**
 * MediaPackage's DRM system names mapped onto Keyplane's (functions/drm/systems.ts). Expected ids: the DASH-IF content
 * protection identifier registry (Widevine, PlayReady, FairPlay) and the AWS SPEKE documentation's HLS AES-128 id
 * (81376844-f976-481e-a84e-cc25d39b0b33), as MediaPackage v1 `systemIds` takes them.
 */
import assert from "node:assert/strict";
import {
  MP2_DRM_SYSTEMS,
  mediaPackageDrmSystem,
  mediaPackageSystemId,
} from "../../../components/aws/mediapackage-encryption";
import { MP1_DRM_SYSTEMS } from "../../../components/aws/mediapackage-v1-origin";

describe("components/aws/mediapackage-encryption: DRM system names", () => {
  it("gives MediaPackage v1 the registered system ids", () => {
    assert.deepEqual(
      MP1_DRM_SYSTEMS.map((d) => [d, mediaPackageSystemId(d)]),
      [
        ["WIDEVINE", "edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"],
        ["PLAYREADY", "9a04f079-9840-4286-ab92-e65be0885f95"],
        ["FAIRPLAY", "94ce86fb-07ff-4f43-adb8-93d2fa968ca2"],
        ["AES_128", "81376844-f976-481e-a84e-cc25d39b0b33"],
      ],
    );
  });
  it("maps every MediaPackage v2 name to Keyplane's, Irdeto to none (the key server does not serve it)", () => {
    assert.deepEqual(
      MP2_DRM_SYSTEMS.map((d) => [d, mediaPackageDrmSystem(d)]),
      [
        ["WIDEVINE", "widevine"],
        ["PLAYREADY", "playready"],
        ["FAIRPLAY", "fairplay"],
        ["CLEAR_KEY_AES_128", "clearKeyAes128"],
        ["IRDETO", undefined],
      ],
    );
  });
});
