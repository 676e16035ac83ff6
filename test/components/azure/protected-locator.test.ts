/**
 * AmsProtectedLocator and AzureContentProtection under Pulumi mocks. Known-answer vector: the PlayReady test key seed
 * MICROSOFT_TEST_SEED_B64 (test/support/seed.ts) with KID 8ba94ade-6eb9-449d-b44f-a5beefaf43b0 gives the content key
 * DBFD6922C321C4BB486F4A1C44097ED6 (public python `cpix` package tests). The locator must carry exactly the key the
 * SPEKE server derives for the same KID (KeySeed.contentKey).
 */
import assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { AmsProtectedLocator, AzureContentProtection, defaultLocatorKid } from "../../../components/azure";
import { KeySeed } from "../../../functions/keys/seed";
import { kidFromUuid } from "../../../functions/keys/kid";
import { isKeyplaneError } from "../../../functions/errors";
import {
  installMocks,
  isSecretValue,
  promiseOf,
  recordOptions,
  recorded,
  resourcesOfType,
  reveal,
} from "../../support/azure-mocks";
import { MICROSOFT_TEST_SEED_B64 } from "../../support/seed";

const TEST_SEED = MICROSOFT_TEST_SEED_B64;
const TEST_KID = "8ba94ade-6eb9-449d-b44f-a5beefaf43b0";
const TEST_KEY_HEX = "DBFD6922C321C4BB486F4A1C44097ED6";

type LocatorKey = { id: string; labelReferenceInStreamingPolicy: string; value: string };

describe("components/azure: AmsProtectedLocator and AzureContentProtection (mocks)", function () {
  this.timeout(20000);
  before(installMocks);

  it("puts the seed-derived key for each KID on the locator, as a secret, and reads paths and key ids through the invokes", async () => {
    const loc = new AmsProtectedLocator(
      "movie",
      {
        resourceGroupName: "rg",
        accountName: "acct",
        assetName: "movie-asset",
        streamingPolicyName: "drm",
        keySeed: pulumi.secret(TEST_SEED),
        contentKeys: [{ label: "cencDefaultKey", kid: TEST_KID }, { label: "cbcsDefaultKey" }],
        alternativeMediaId: "movie-1",
      },
      { transformations: [recordOptions] },
    );
    await promiseOf(loc.locator.urn);
    await promiseOf(loc.asset!.urn);
    const res = resourcesOfType("azure-native:media:StreamingLocator").find(
      (r) => reveal(r.inputs.streamingLocatorName) === "movie",
    );
    assert.ok(res);
    assert.equal(res.inputs.assetName, "movie-asset");
    assert.equal(res.inputs.streamingPolicyName, "drm");
    assert.equal(res.inputs.alternativeMediaId, "movie-1");
    assert.ok(isSecretValue(res.inputs.contentKeys), "content key values must be secret inputs");
    const keys = reveal(res.inputs.contentKeys) as LocatorKey[];
    assert.equal(keys.length, 2);
    // Known answer from the public vector.
    assert.deepEqual(keys[0], {
      id: TEST_KID,
      labelReferenceInStreamingPolicy: "cencDefaultKey",
      value: Buffer.from(TEST_KEY_HEX, "hex").toString("base64"),
    });
    // Same key as the SPEKE server for the derived KID.
    const seed = KeySeed.fromBase64(TEST_SEED);
    assert.equal(keys[1]!.id, defaultLocatorKid("movie-asset", "cbcsDefaultKey"));
    assert.equal(keys[1]!.value, seed.contentKey(kidFromUuid(keys[1]!.id)).toString("base64"));
    assert.notEqual(keys[0]!.value, keys[1]!.value);

    assert.deepEqual(
      recorded.opts.find((o) => o.type === "azure-native:media:StreamingLocator")?.opts.additionalSecretOutputs,
      ["contentKeys"],
    );
    assert.ok(resourcesOfType("azure-native:media:Asset").some((a) => a.inputs.assetName === "movie-asset"));

    const paths = await promiseOf(loc.streamingPaths);
    assert.deepEqual(
      paths.map((p) => [p.streamingProtocol, p.encryptionScheme]),
      [
        ["Dash", "CommonEncryptionCenc"],
        ["Hls", "CommonEncryptionCbcs"],
      ],
    );
    assert.match(paths[0]!.paths[0]!, /^\/movie\//);
    assert.deepEqual(await promiseOf(loc.contentKeyIds), [TEST_KID, keys[1]!.id]);
    const tokens = recorded.calls.map((c) => c.token).sort();
    assert.deepEqual(tokens, [
      "azure-native:media:listStreamingLocatorContentKeys",
      "azure-native:media:listStreamingLocatorPaths",
    ]);
    for (const c of recorded.calls)
      assert.deepEqual(reveal(c.inputs), {
        resourceGroupName: "rg",
        accountName: "acct",
        streamingLocatorName: "movie",
      });
  });

  it("derived KIDs are stable UUIDs, distinct per asset and label", () => {
    const a = defaultLocatorKid("a", "cencDefaultKey");
    assert.equal(a, defaultLocatorKid("a", "cencDefaultKey"));
    assert.notEqual(a, defaultLocatorKid("b", "cencDefaultKey"));
    assert.notEqual(a, defaultLocatorKid("a", "cbcsDefaultKey"));
    assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("refuses duplicate labels or KIDs, labels the policy does not have, and a bad seed", async () => {
    const base = {
      resourceGroupName: "rg",
      accountName: "acct",
      assetName: "x",
      streamingPolicyName: "drm",
      keySeed: TEST_SEED,
    };
    const code = (c: string) => (e: unknown) => isKeyplaneError(e) && e.code === c;
    assert.throws(
      () => new AmsProtectedLocator("d1", { ...base, contentKeys: [{ label: "a" }, { label: "a" }] }),
      code("AMS_LOCATOR_INVALID"),
    );
    assert.throws(
      () =>
        new AmsProtectedLocator("d2", {
          ...base,
          contentKeys: [
            { label: "a", kid: TEST_KID },
            { label: "b", kid: TEST_KID.toUpperCase() },
          ],
        }),
      code("AMS_LOCATOR_INVALID"),
    );
    assert.throws(
      () =>
        new AmsProtectedLocator("d3", {
          ...base,
          contentKeys: [{ label: "aesDefaultKey" }],
          policyLabels: ["cencDefaultKey"],
        }),
      (e: unknown) => isKeyplaneError(e) && /not a label of the streaming policy/.test(e.message),
    );
    assert.throws(
      () => new AmsProtectedLocator("d4", { ...base, contentKeys: [{ label: "a", kid: "not-a-uuid" }] }),
      code("KID_INVALID"),
    );
    // A 16-byte hex "seed" (as in one vendor's docs) is not a key seed.
    assert.throws(
      () =>
        new AmsProtectedLocator("d5", {
          ...base,
          keySeed: "000102030405060708090a0b0c0d0e0f",
          contentKeys: [{ label: "a" }],
        }),
      code("KEY_SEED_INVALID"),
    );
  });

  it("AzureContentProtection: new account with storage, policies, streaming policies and one locator per asset", async () => {
    const cp = new AzureContentProtection(
      "vod",
      {
        resourceGroupName: "rg",
        location: "westeurope",
        account: { create: { name: "keyplanemedia" } },
        keySeed: pulumi.secret(TEST_SEED),
        contentKeyPolicies: [
          {
            name: "open-clearkey",
            options: [{ name: "ck", configuration: { type: "ClearKey" }, restriction: { type: "Open" } }],
          },
        ],
        streamingPolicies: [
          {
            name: "multi",
            defaultContentKeyPolicyName: "open-clearkey",
            cenc: { protocols: ["Dash"], widevine: true, playReady: true },
            envelope: { protocols: ["Hls"] },
          },
        ],
        assets: [
          { name: "film1", streamingPolicy: "multi", contentKeyPolicy: "open-clearkey" },
          {
            name: "film2",
            streamingPolicy: "multi",
            keys: [{ label: "cencDefaultKey", kid: TEST_KID }, { label: "aesDefaultKey" }],
          },
        ],
      },
      { transformations: [recordOptions] },
    );
    await promiseOf(cp.mediaService!.urn);
    await Promise.all(Object.values(cp.locators).map((l) => promiseOf(l.locator.urn)));
    await Promise.all(Object.values(cp.locators).map((l) => promiseOf(l.contentKeyIds)));
    assert.equal(await promiseOf(cp.accountName), "keyplanemedia");

    const storage = resourcesOfType("azure-native:storage:StorageAccount");
    assert.equal(storage.length, 1);
    assert.equal(storage[0]!.inputs.kind, "StorageV2");
    const ms = resourcesOfType("azure-native:media:MediaService").find((r) => r.inputs.accountName === "keyplanemedia");
    assert.ok(ms);
    assert.deepEqual(ms.inputs.storageAccounts, [{ id: `${storage[0]!.name}-id`, type: "Primary" }]);
    assert.equal(ms.inputs.location, "westeurope");

    const locs = resourcesOfType("azure-native:media:StreamingLocator").filter((r) =>
      /^film[12]-locator$/.test(String(reveal(r.inputs.streamingLocatorName))),
    );
    assert.equal(locs.length, 2);
    const film1 = locs.find((l) => reveal(l.inputs.streamingLocatorName) === "film1-locator")!;
    assert.equal(film1.inputs.accountName, "keyplanemedia");
    assert.equal(film1.inputs.streamingPolicyName, "multi");
    assert.equal(film1.inputs.defaultContentKeyPolicyName, "open-clearkey");
    const k1 = reveal(film1.inputs.contentKeys) as LocatorKey[];
    assert.deepEqual(
      k1.map((k) => k.labelReferenceInStreamingPolicy),
      ["cencDefaultKey", "aesDefaultKey"],
    );
    const film2 = locs.find((l) => reveal(l.inputs.streamingLocatorName) === "film2-locator")!;
    const k2 = reveal(film2.inputs.contentKeys) as LocatorKey[];
    assert.equal(k2[0]!.value, Buffer.from(TEST_KEY_HEX, "hex").toString("base64"));

    // The streaming policy waits for the content key policy it names; locators wait for their streaming policy.
    const spOpts = recorded.opts.find(
      (o) => o.type === "keyplane:azure:AmsStreamingPolicy" && o.name === "vod-sp-multi",
    )!.opts;
    assert.deepEqual(
      (spOpts.dependsOn as pulumi.Resource[]).map((r) => r === cp.contentKeyPolicies["open-clearkey"]),
      [true],
    );
    const locOpts = recorded.opts.find(
      (o) => o.type === "keyplane:azure:AmsProtectedLocator" && o.name === "vod-loc-film1",
    )!.opts;
    assert.ok((locOpts.dependsOn as pulumi.Resource[]).includes(cp.streamingPolicies["multi"]!));
  });

  it("AzureContentProtection: existing account creates no account or storage", async () => {
    const before =
      resourcesOfType("azure-native:media:MediaService").length +
      resourcesOfType("azure-native:storage:StorageAccount").length;
    const cp = new AzureContentProtection("old", {
      resourceGroupName: "rg",
      account: { existing: { name: "legacyams" } },
      keySeed: TEST_SEED,
      streamingPolicies: [{ name: "aes", envelope: { protocols: ["Hls"] } }],
      assets: [{ name: "clip", streamingPolicy: "aes", existingAsset: true }],
    });
    await promiseOf(cp.locators["clip"]!.locator.urn);
    assert.equal(cp.mediaService, undefined);
    assert.equal(cp.locators["clip"]!.asset, undefined);
    assert.equal(
      resourcesOfType("azure-native:media:MediaService").length +
        resourcesOfType("azure-native:storage:StorageAccount").length,
      before,
    );
    const loc = resourcesOfType("azure-native:media:StreamingLocator").find(
      (r) => reveal(r.inputs.streamingLocatorName) === "clip-locator",
    )!;
    assert.equal(loc.inputs.accountName, "legacyams");
    assert.equal(loc.inputs.assetName, "clip");
  });

  it("AzureContentProtection: clear errors for an inconsistent catalogue", () => {
    const base = { resourceGroupName: "rg", account: { existing: { name: "a" } }, keySeed: TEST_SEED } as const;
    const bad = (args: Partial<ConstructorParameters<typeof AzureContentProtection>[1]>, re: RegExp) =>
      assert.throws(
        () => new AzureContentProtection("bad", { ...base, ...args }),
        (e: unknown) => isKeyplaneError(e) && re.test(e.message),
      );
    bad(
      { streamingPolicies: [{ name: "s", defaultContentKeyPolicyName: "missing", envelope: { protocols: ["Hls"] } }] },
      /names content key policy "missing"/,
    );
    bad({ assets: [{ name: "a", streamingPolicy: "nope" }] }, /neither declared nor predefined/);
    bad({ assets: [{ name: "a", streamingPolicy: "Predefined_MultiDrmCencStreaming" }] }, /list its keys/);
    bad(
      {
        streamingPolicies: [{ name: "c", clear: { protocols: ["Dash"] } }],
        assets: [{ name: "a", streamingPolicy: "c" }],
      },
      /is clear; a protected locator needs an encrypted scheme/,
    );
    bad({ account: { create: { name: "Not_Valid" } } }, /3-24 lowercase/);
    bad(
      {
        contentKeyPolicies: [
          { name: "p", options: [{ name: "o", configuration: { type: "ClearKey" }, restriction: { type: "Open" } }] },
          { name: "p", options: [{ name: "o", configuration: { type: "ClearKey" }, restriction: { type: "Open" } }] },
        ],
      },
      /declared twice/,
    );
  });
});
