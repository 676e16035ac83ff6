/**
 * Public known-answer vectors used by the DRM tests. Every value here is copied from the named public source; none
 * was produced by Keyplane's code.
 */

import { MICROSOFT_TEST_SEED_B64 } from "./seed";

/**
 * W3C web-platform-tests, encrypted-media/content/content-metadata.js, item 'mp4-basic'
 * (github.com/web-platform-tests/wpt): the `cenc` initData of the test asset = a Widevine PSSH (v0) followed by a
 * PlayReady PSSH (v0, PlayReady Header 4.0.0.0 with KID, CHECKSUM and LA_URL), for the published KID and key.
 */
export const WPT_MP4_BASIC = {
  kidHex: "ad13f9ea2be698b875f504a8e3ccea64",
  keyHex: "be7df8a3667a6a8fd564d0ed81339a95",
  initDataB64:
    "AAAAcXBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAAFEIARIQrRP56ivmmLh19QSo48zqZBoIY2FzdGxhYnMiKGV5SmhjM05sZEVsa0lqb2laVzFsTFhSbGMzUXRjMmx1WjJ4bEluMD0yB2RlZmF1bHQAAAMacHNzaAAAAACaBPB5mEBChquS5lvgiF+VAAAC+voCAAABAAEA8AI8AFcAUgBNAEgARQBBAEQARQBSACAAeABtAGwAbgBzAD0AIgBoAHQAdABwADoALwAvAHMAYwBoAGUAbQBhAHMALgBtAGkAYwByAG8AcwBvAGYAdAAuAGMAbwBtAC8ARABSAE0ALwAyADAAMAA3AC8AMAAzAC8AUABsAGEAeQBSAGUAYQBkAHkASABlAGEAZABlAHIAIgAgAHYAZQByAHMAaQBvAG4APQAiADQALgAwAC4AMAAuADAAIgA+ADwARABBAFQAQQA+ADwAUABSAE8AVABFAEMAVABJAE4ARgBPAD4APABLAEUAWQBMAEUATgA+ADEANgA8AC8ASwBFAFkATABFAE4APgA8AEEATABHAEkARAA+AEEARQBTAEMAVABSADwALwBBAEwARwBJAEQAPgA8AC8AUABSAE8AVABFAEMAVABJAE4ARgBPAD4APABLAEkARAA+ADYAdgBrAFQAcgBlAFkAcgB1AEoAaAAxADkAUQBTAG8ANAA4AHoAcQBaAEEAPQA9ADwALwBLAEkARAA+ADwAQwBIAEUAQwBLAFMAVQBNAD4AagBZAEYATgBmADAAeQBmADQAaQBzAD0APAAvAEMASABFAEMASwBTAFUATQA+ADwATABBAF8AVQBSAEwAPgBoAHQAdABwADoALwAvAHAAbABhAHkAcgBlAGEAZAB5AC4AZABpAHIAZQBjAHQAdABhAHAAcwAuAG4AZQB0AC8AcAByAC8AcwB2AGMALwByAGkAZwBoAHQAcwBtAGEAbgBhAGcAZQByAC4AYQBzAG0AeAA/AFAAbABhAHkAUgBpAGcAaAB0AD0AMQAmAGEAbQBwADsAVQBzAGUAUwBpAG0AcABsAGUATgBvAG4AUABlAHIAcwBpAHMAdABlAG4AdABMAGkAYwBlAG4AcwBlAD0AMQA8AC8ATABBAF8AVQBSAEwAPgA8AC8ARABBAFQAQQA+ADwALwBXAFIATQBIAEUAQQBEAEUAUgA+AA==",
  // Fields readable in the published bytes (UTF-16LE WRMHEADER text and the protobuf strings):
  widevineProvider: "castlabs",
  widevineContentId: "eyJhc3NldElkIjoiZW1lLXRlc3Qtc2luZ2xlIn0=",
  widevinePolicy: "default",
  playReadyKidB64: "6vkTreYruJh19QSo48zqZA==",
  playReadyChecksum: "jYFNf0yf4is=",
  playReadyLaUrl:
    "http://playready.directtaps.net/pr/svc/rightsmanager.asmx?PlayRight=1&UseSimpleNonPersistentLicense=1",
} as const;

/**
 * W3C web-platform-tests 'mp4-multikey', first key: PlayReady Header 4.0.0.0 with LA_URL, LUI_URL, then CHECKSUM
 * (a different element order than mp4-basic), used to check parsing of the LUI_URL and checksum fields.
 */
export const WPT_MP4_MULTIKEY_1 = {
  kidHex: "13a75306d118917b47a6c1836442516f",
  keyHex: "8aaad8c4dbdeaccdad2676a1ed38952e",
  initDataB64:
    "AAAAjXBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAAG0IARIQE6dTBtEYkXtHpsGDZEJRbxoIY2FzdGxhYnMiRGV5SmhjM05sZEVsa0lqb2laVzFsTFhSbGMzUXRNbk5sYzNOcGIyNGlMQ0oyWVhKcFlXNTBTV1FpT2lKclpYa3hJbjA9MgdkZWZhdWx0AAADwnBzc2gAAAAAmgTweZhAQoarkuZb4IhflQAAA6KiAwAAAQABAJgDPABXAFIATQBIAEUAQQBEAEUAUgAgAHgAbQBsAG4AcwA9ACIAaAB0AHQAcAA6AC8ALwBzAGMAaABlAG0AYQBzAC4AbQBpAGMAcgBvAHMAbwBmAHQALgBjAG8AbQAvAEQAUgBNAC8AMgAwADAANwAvADAAMwAvAFAAbABhAHkAUgBlAGEAZAB5AEgAZQBhAGQAZQByACIAIAB2AGUAcgBzAGkAbwBuAD0AIgA0AC4AMAAuADAALgAwACIAPgA8AEQAQQBUAEEAPgA8AFAAUgBPAFQARQBDAFQASQBOAEYATwA+ADwASwBFAFkATABFAE4APgAxADYAPAAvAEsARQBZAEwARQBOAD4APABBAEwARwBJAEQAPgBBAEUAUwBDAFQAUgA8AC8AQQBMAEcASQBEAD4APAAvAFAAUgBPAFQARQBDAFQASQBOAEYATwA+ADwASwBJAEQAPgBCAGwATwBuAEUAeABqAFIAZQA1AEYASABwAHMARwBEAFoARQBKAFIAYgB3AD0APQA8AC8ASwBJAEQAPgA8AEwAQQBfAFUAUgBMAD4AaAB0AHQAcABzADoALwAvAGwAaQBjAC4AcwB0AGEAZwBpAG4AZwAuAGQAcgBtAHQAbwBkAGEAeQAuAGMAbwBtAC8AbABpAGMAZQBuAHMAZQAtAHAAcgBvAHgAeQAtAGgAZQBhAGQAZQByAGEAdQB0AGgALwBkAHIAbQB0AG8AZABhAHkALwBSAGkAZwBoAHQAcwBNAGEAbgBhAGcAZQByAC4AYQBzAG0AeAA8AC8ATABBAF8AVQBSAEwAPgA8AEwAVQBJAF8AVQBSAEwAPgBoAHQAdABwAHMAOgAvAC8AbABpAGMALgBzAHQAYQBnAGkAbgBnAC4AZAByAG0AdABvAGQAYQB5AC4AYwBvAG0ALwBsAGkAYwBlAG4AcwBlAC0AcAByAG8AeAB5AC0AaABlAGEAZABlAHIAYQB1AHQAaAAvAGQAcgBtAHQAbwBkAGEAeQAvAFIAaQBnAGgAdABzAE0AYQBuAGEAZwBlAHIALgBhAHMAbQB4ADwALwBMAFUASQBfAFUAUgBMAD4APABDAEgARQBDAEsAUwBVAE0APgBJAEQAUgB0AFAAZwBVAEkALwBiAEkAPQA8AC8AQwBIAEUAQwBLAFMAVQBNAD4APAAvAEQAQQBUAEEAPgA8AC8AVwBSAE0ASABFAEEARABFAFIAPgA=",
  laUrl: "https://lic.staging.drmtoday.com/license-proxy-headerauth/drmtoday/RightsManager.asmx",
  luiUrl: "https://lic.staging.drmtoday.com/license-proxy-headerauth/drmtoday/RightsManager.asmx",
  playReadyChecksum: "IDRtPgUI/bI=",
} as const;

/**
 * pssh-box Rust crate tests (docs.rs/crate/pssh-box, tests/serialization.rs): a Widevine v0 PSSH whose data is
 * key_id 001637069fb5d1ac3c4747e01322e4c2 and protection_scheme 'cenc' (the test asserts "CENC" and the hex).
 */
export const PSSH_BOX_CRATE_WIDEVINE_CENC = {
  b64: "AAAAOHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAABgSEAAWNwaftdGsPEdH4BMi5MJI49yVmwY=",
  hex: "000000387073736800000000edef8ba979d64acea3c827dcd51d21ed000000181210001637069fb5d1ac3c4747e01322e4c248e3dc959b06",
  kidHex: "001637069fb5d1ac3c4747e01322e4c2",
} as const;

/** Same crate and test file: "A Widevine v1 PSSH box" with three KIDs (listed in the box and in the data). */
export const PSSH_BOX_CRATE_WIDEVINE_V1 = {
  b64: "AAAAinBzc2gBAAAA7e+LqXnWSs6jyCfc1R0h7QAAAAMBABjPrw1FrZKp3Uaklub1AQFA6rnmTx2Vc6TOTwKt2wEC6NEQrkqOnj8BE9GY8RcAAAA2EhABABjPrw1FrZKp3Uaklub1EhABAUDqueZPHZVzpM5PAq3bEhABAujREK5Kjp4/ARPRmPEX",
  kidsHex: ["010018cfaf0d45ad92a9dd46a496e6f5", "010140eab9e64f1d9573a4ce4f02addb", "0102e8d110ae4a8e9e3f0113d198f117"],
} as const;

/** Same crate and test file: "A PlayReady PSSH box" (4.0.0.0 header; the test asserts the KID, CHECKSUM and AESCTR). */
export const PSSH_BOX_CRATE_PLAYREADY = {
  b64: "AAACJnBzc2gAAAAAmgTweZhAQoarkuZb4IhflQAAAgYGAgAAAQABAPwBPABXAFIATQBIAEUAQQBEAEUAUgAgAHgAbQBsAG4AcwA9ACIAaAB0AHQAcAA6AC8ALwBzAGMAaABlAG0AYQBzAC4AbQBpAGMAcgBvAHMAbwBmAHQALgBjAG8AbQAvAEQAUgBNAC8AMgAwADAANwAvADAAMwAvAFAAbABhAHkAUgBlAGEAZAB5AEgAZQBhAGQAZQByACIAIAB2AGUAcgBzAGkAbwBuAD0AIgA0AC4AMAAuADAALgAwACIAPgA8AEQAQQBUAEEAPgA8AFAAUgBPAFQARQBDAFQASQBOAEYATwA+ADwASwBFAFkATABFAE4APgAxADYAPAAvAEsARQBZAEwARQBOAD4APABBAEwARwBJAEQAPgBBAEUAUwBDAFQAUgA8AC8AQQBMAEcASQBEAD4APAAvAFAAUgBPAFQARQBDAFQASQBOAEYATwA+ADwASwBJAEQAPgBNAGwAUwBKAFYAMwBhAFkAUgBTAE4ASABWAG0AVgBIAEsAVABnAGoAUQBRAD0APQA8AC8ASwBJAEQAPgA8AEMASABFAEMASwBTAFUATQA+AFUARwBOAFYAQgBTAHUAZwAzADgAcwA9ADwALwBDAEgARQBDAEsAUwBVAE0APgA8AC8ARABBAFQAQQA+ADwALwBXAFIATQBIAEUAQQBEAEUAUgA+AA==",
  kidB64: "MlSJV3aYRSNHVmVHKTgjQQ==",
  checksum: "UGNVBSug38s=",
} as const;

/**
 * PlayReady test key seed (Microsoft; `MICROSOFT_TEST_SEED_B64` in seed.ts, published with the PlayReady
 * test server docs) with KID 8ba94ade-6eb9-449d-b44f-a5beefaf43b0: content key and CHECKSUM from the public python
 * `cpix` package tests (and its JavaScript port), which also publish the complete 4.2.0.0 WRMHEADER below.
 */
export const CPIX_PACKAGE_VECTOR = {
  seedB64: MICROSOFT_TEST_SEED_B64,
  kid: "8ba94ade-6eb9-449d-b44f-a5beefaf43b0",
  keyHex: "DBFD6922C321C4BB486F4A1C44097ED6",
  checksum: "Me48z71nuqY=",
  laUrl: "https://test.playready.microsoft.com/service/rightsmanager.asmx",
  wrmHeader42:
    '<WRMHEADER xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader" version="4.2.0.0"><DATA><PROTECTINFO><KIDS><KID ALGID="AESCTR" CHECKSUM="Me48z71nuqY=" VALUE="3kqpi7lunUS0T6W+769DsA=="></KID></KIDS></PROTECTINFO><LA_URL>https://test.playready.microsoft.com/service/rightsmanager.asmx</LA_URL></DATA></WRMHEADER>',
} as const;

/**
 * Microsoft Azure Media Services .NET SDK (github.com/Azure/azure-sdk-for-media-services),
 * CommonEncryptionTest.cs `PlayReadyContentKeyGenerationKnownGoodTest`: the test key seed with GUID
 * 339C45B5-FB6D-4BD9-994C-EABD9D41C95B yields the key base64 `pTfNwMplhBQG1SXnvyLXVA==`.
 */
export const AMS_SDK_VECTOR = {
  seedB64: MICROSOFT_TEST_SEED_B64,
  kid: "339c45b5-fb6d-4bd9-994c-eabd9d41c95b",
  keyB64: "pTfNwMplhBQG1SXnvyLXVA==",
} as const;

/** W3C web-platform-tests encrypted-media/util/utils.js getInitData('cenc'): a common-system v1 PSSH with one KID. */
export const WPT_COMMON_PSSH = {
  // The WPT helper writes size = 0 in the header (it is never parsed by size there); bytes after the size field:
  afterSizeHex:
    "70737368" +
    "01000000" +
    "1077efecc0b24d02ace33c1e52e2fb4b" +
    "00000001" +
    "0000000003d2fc410000000000000000" +
    "00000000",
  kidHex: "0000000003d2fc410000000000000000",
} as const;
