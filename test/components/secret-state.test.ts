/**
 * Secrets in every child's state: builds every AWS and Azure component under mocks with known secret values (key
 * seeds, vendor credentials, a certificate private key, token signing and verification keys, FairPlay secrets), records
 * every registered resource's inputs, the state the mock answers, and the options it was registered with, then walks
 * all of it. A known secret may appear only inside a secret-wrapped input, or in a state property the engine keeps
 * secret: one whose input was a secret as a whole, or one named in the resource's `additionalSecretOutputs`
 * (Pulumi docs, "Secrets": additionalSecretOutputs marks outputs secret; secret inputs make the same-named output
 * secret). A secret nested inside a plain object property would land in plain state, so it counts as a leak.
 */
import { selfSignedCertificate } from "../support/openssl";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import {
  KeyDeliveryApi,
  MediaPackageV1Origin,
  MediaPackageV2Origin,
  SpekeCertificate,
  SpekeKeyServer,
  SpekeVendorProxy,
  ContentKeyRegistryTable,
} from "../../components/aws";
import { AzureContentProtection } from "../../components/azure";
import { KeySeed } from "../../functions/keys/seed";
import { kidFromUuid } from "../../functions/keys/kid";
import {
  MOCK_INGEST_PASSWORD,
  installMocks,
  isSecretValue,
  optionRecorder,
  settle,
  type Recorded,
} from "../support/pulumi-mocks";

const SEED = Buffer.alloc(32, 0x5a).toString("base64");
const AZ_SEED = Buffer.alloc(30, 0x3c).toString("base64");
const GENERATED_SEED = Buffer.alloc(30, 7).toString("base64"); // what the mocked RandomBytes answers
const SIGNING_KEY = Buffer.alloc(32, 0x11).toString("base64");
const VERIFY_KEY = Buffer.alloc(32, 0x22).toString("base64");
const AZ_VERIFY_KEY = Buffer.alloc(32, 0x33).toString("base64");
const AXINOM_KEY = "axinom-management-key-9c2d";
const EZDRM_PASSWORD = "ezdrm-password-41f0";
const KEYOS_KEY = "keyos-user-key-77aa";
const FAIRPLAY_ASK = "0123456789abcdef0123456789abcdef";
const FAIRPLAY_ASK_ARM = Buffer.from(FAIRPLAY_ASK, "hex").toString("base64"); // ARM carries the ASK in base64
const FAIRPLAY_PFX_PASSWORD = "fairplay-pfx-password-2e7b";

/** Every plain string reachable from `v` outside secret wrappers. */
function plainStrings(v: unknown, path: string, out: Array<{ path: string; s: string }>): void {
  if (isSecretValue(v)) return;
  if (typeof v === "string") out.push({ path, s: v });
  else if (Array.isArray(v))
    v.forEach((x, i) => {
      plainStrings(x, `${path}[${i}]`, out);
    });
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) plainStrings(x, `${path}.${k}`, out);
}

function leaks(rec: Recorded[], aso: Map<string, pulumi.CustomResourceOptions>, secrets: string[]): string[] {
  const found: string[] = [];
  const check = (where: string, strings: Array<{ path: string; s: string }>) => {
    for (const { path, s } of strings)
      for (const secret of secrets)
        if (s.includes(secret)) found.push(`${where}${path} holds a known secret in plain text`);
  };
  for (const r of rec) {
    const strings: Array<{ path: string; s: string }> = [];
    plainStrings(r.inputs, "", strings);
    check(`${r.type} ${r.name} inputs`, strings);
    const secretOutputs = new Set(aso.get(`${r.type}::${r.name}`)?.additionalSecretOutputs ?? []);
    for (const [k, v] of Object.entries(r.state)) {
      if (secretOutputs.has(k) || isSecretValue(r.inputs[k])) continue;
      const st: Array<{ path: string; s: string }> = [];
      plainStrings(v, `.${k}`, st);
      check(`${r.type} ${r.name} state`, st);
    }
  }
  return found;
}

describe("components: no known secret in plain text in any child's inputs or state", function () {
  this.timeout(60_000);
  let cert: string, key: string;
  before(() => {
    ({ certPem: cert, keyPem: key } = selfSignedCertificate(["rsa:2048"], { days: 365, commonName: "walk" }));
  });

  it("walks every child of every component", async () => {
    const rec = await installMocks();
    const recorder = optionRecorder();
    const o = { transformations: [recorder.transformation] };
    const keyLines = key.split("\n").filter((l) => l && !l.startsWith("-----"));
    const policy = {
      name: "premium",
      options: [
        {
          name: "token",
          configuration: { type: "ClearKey" },
          restriction: {
            type: "Token",
            issuer: "https://issuer.example",
            audience: "urn:player",
            tokenType: "Jwt",
            primaryVerificationKey: { type: "Symmetric", keyValue: VERIFY_KEY },
          },
        },
      ],
    };
    const azPolicy = {
      name: "fp",
      options: [
        {
          name: "fairplay",
          configuration: {
            type: "FairPlay",
            ask: FAIRPLAY_ASK,
            fairPlayPfx: Buffer.from("not-a-real-pfx").toString("base64"),
            fairPlayPfxPassword: FAIRPLAY_PFX_PASSWORD,
            rentalAndLeaseKeyType: "Undefined",
            rentalDuration: 0,
          },
          restriction: {
            type: "Token",
            issuer: "https://issuer.example",
            audience: "urn:player",
            tokenType: "Jwt",
            primaryVerificationKey: { type: "Symmetric", keyValue: AZ_VERIFY_KEY },
          },
        },
      ],
    };
    const registry = new ContentKeyRegistryTable("reg", {}, o);
    const components: pulumi.ComponentResource[] = [
      registry,
      new SpekeKeyServer("ks", { keySeed: pulumi.secret(SEED), contentKeyRegistry: registry.ref }, o),
      new SpekeKeyServer("ks-generated", {}, o),
      new SpekeVendorProxy(
        "vp-axinom",
        {
          vendor: { preset: "axinom", url: "https://key-server-management.axprod.net/api/SpekeV2" },
          credential: pulumi.secret({ tenantId: "tenant", managementKey: AXINOM_KEY }),
        },
        o,
      ),
      new SpekeVendorProxy(
        "vp-ezdrm",
        {
          vendor: { preset: "ezdrm", url: "https://cpix.ezdrm.com/KeyGenerator/cpix.aspx" },
          credential: pulumi.secret({ username: "ops@example.com", password: EZDRM_PASSWORD }),
          mode: "integration",
        },
        o,
      ),
      new SpekeVendorProxy(
        "vp-keyos",
        {
          vendor: { preset: "keyos", url: "https://speke.vendor.example/v2", headerName: "X-User-Key" },
          credential: pulumi.secret({ key: KEYOS_KEY }),
          mode: "integration",
        },
        o,
      ),
      new SpekeCertificate("cert", { certificateBody: cert, privateKey: pulumi.secret(key) }, o),
      new KeyDeliveryApi(
        "kd",
        {
          keySeedSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:seed-AbCdEf",
          policies: [policy] as never,
          defaultPolicy: "premium",
          corsAllowOrigins: ["https://player.example.com"],
          delivery: pulumi.secret({
            tokenIssuer: {
              issuer: "https://issuer.example",
              audience: "urn:player",
              signingKey: { alg: "HS256", keyBase64: SIGNING_KEY },
            },
          }),
          license: { vendors: {} },
        },
        o,
      ),
      new MediaPackageV1Origin(
        "mp1",
        {
          speke: { url: "https://k.example.com/speke", roleArn: "arn:aws:iam::123456789012:role/p" },
          endpoints: [{ id: "hls", type: "HLS" }],
        },
        o,
      ),
      new MediaPackageV2Origin(
        "mp2",
        {
          speke: { url: "https://k.example.com/speke", roleArn: "arn:aws:iam::123456789012:role/p" },
          endpoints: [{ name: "cmaf", container: "CMAF" }],
        },
        o,
      ),
      new AzureContentProtection(
        "az",
        {
          resourceGroupName: "rg",
          account: { create: { name: "keyplaneams" } },
          keySeed: pulumi.secret(AZ_SEED),
          contentKeyPolicies: [azPolicy] as never,
          streamingPolicies: [
            { name: "fps", cbcs: { protocols: ["Hls"], fairPlay: true, contentKeyPolicyName: "fp" } },
          ],
          assets: [{ name: "movie", streamingPolicy: "fps", contentKeyPolicy: "fp" }],
        },
        o,
      ),
    ];
    for (const c of components) await settle(c);
    await new Promise((r) => setTimeout(r, 100));

    const azKids = rec
      .filter((r) => r.type === "azure-native:media:StreamingLocator")
      .flatMap((r) => ((r.state.contentKeys as Array<{ id: string }> | undefined) ?? []).map((k) => k.id));
    assert.ok(azKids.length > 0, "the locator has content keys");
    const azContentKeys = azKids.map((kid) =>
      KeySeed.fromBase64(AZ_SEED).contentKey(kidFromUuid(kid)).toString("base64"),
    );
    const secrets = [
      SEED,
      GENERATED_SEED,
      AZ_SEED,
      SIGNING_KEY,
      VERIFY_KEY,
      AZ_VERIFY_KEY,
      AXINOM_KEY,
      EZDRM_PASSWORD,
      KEYOS_KEY,
      FAIRPLAY_ASK_ARM,
      FAIRPLAY_PFX_PASSWORD,
      MOCK_INGEST_PASSWORD,
      keyLines[1]!,
      ...azContentKeys,
    ];

    // The walk sees the values: every secret is somewhere in the recording (else the test would prove nothing).
    const everything = JSON.stringify(rec.map((r) => [r.inputs, r.state]));
    // (The Azure seed itself reaches no resource: only the content keys derived from it do.)
    for (const s of secrets.filter((x) => x !== AZ_SEED))
      assert.ok(everything.includes(s), `the recording carries ${s.slice(0, 6)}…`);
    assert.deepEqual(leaks(rec, recorder.opts, secrets), []);
    assert.ok(recorder.opts.size >= rec.filter((r) => r.custom).length, "options were recorded for every child");
  });
});
