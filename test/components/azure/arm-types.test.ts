/**
 * Independent check of every shape we render against the declarations shipped in @pulumi/azure-native 2.92.3
 * (node_modules/@pulumi/azure-native/types/input.d.ts, `namespace media`): each `odataType` we emit is a declared
 * discriminator, every field we emit is declared on that interface, and every required field is present.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import { ODATA } from "../../../functions/policy/ams";
import { renderContentKeyPolicy, renderStreamingPolicy } from "../../../components/azure";

interface Decl {
  fields: Map<string, boolean /* required */>;
  odataType?: string;
}

function loadMediaInputs(): Map<string, Decl> {
  const text = readFileSync(require.resolve("@pulumi/azure-native/types/input.d.ts"), "utf8");
  const start = text.indexOf("export declare namespace media {");
  const end = text.indexOf("\nexport declare namespace", start + 10);
  const ns = text.slice(start, end === -1 ? undefined : end);
  const out = new Map<string, Decl>();
  const re = /\n {4}interface (\w+)Args \{\n([\s\S]*?)\n {4}\}/g;
  for (let m = re.exec(ns); m; m = re.exec(ns)) {
    const body = m[2]!;
    const fields = new Map<string, boolean>();
    for (const f of body.matchAll(/^ {8}(\w+)(\??):/gm)) fields.set(f[1]!, f[2] !== "?");
    const od = /odataType: pulumi\.Input<"([^"]+)">/.exec(body);
    out.set(m[1]!, { fields, ...(od ? { odataType: od[1]! } : {}) });
  }
  return out;
}

const decls = loadMediaInputs();
const byOdata = new Map(
  [...decls.entries()].filter(([, d]) => d.odataType).map(([name, d]) => [d.odataType!, { name, ...d }]),
);

/** Asserts `obj` fits interface `name`: no undeclared field, every required field present. */
function fits(obj: Record<string, unknown>, name: string, path: string, exemptRequired: string[] = []): void {
  const d = decls.get(name);
  assert.ok(d, `${name}Args is declared`);
  for (const k of Object.keys(obj)) assert.ok(d.fields.has(k), `${path}.${k} is not a field of ${name}Args`);
  for (const [k, required] of d.fields)
    if (required && !exemptRequired.includes(k)) assert.ok(k in obj, `${path} lacks required ${name}Args.${k}`);
}
function fitsOdata(obj: Record<string, unknown>, path: string, exemptRequired: string[] = []): void {
  const t = obj.odataType as string;
  const d = byOdata.get(t);
  assert.ok(d, `${path}: ${t} is not a declared media odataType`);
  fits(obj, d.name, path, exemptRequired);
}

describe("components/azure: rendered shapes vs @pulumi/azure-native 2.92.3 media input types", function () {
  this.timeout(20000);

  it("every ODATA constant is a declared media discriminator", () => {
    for (const v of Object.values(ODATA)) assert.ok(byOdata.has(v), `${v} declared`);
  });

  it("content key policy options: configurations, licenses, play rights, restrictions, keys, claims", () => {
    const { publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = publicKey.export({ format: "jwk" }) as { n: string; e: string };
    const rsa = {
      type: "Rsa" as const,
      modulus: Buffer.from(jwk.n, "base64url").toString("base64"),
      exponent: Buffer.from(jwk.e, "base64url").toString("base64"),
    };
    const sym = { type: "Symmetric" as const, keyValue: Buffer.alloc(32, 1).toString("base64") };
    const { options } = renderContentKeyPolicy({
      name: "all",
      options: [
        { name: "ck", configuration: { type: "ClearKey" }, restriction: { type: "Open" } },
        {
          name: "pr",
          configuration: {
            type: "PlayReady",
            responseCustomData: "x",
            licenses: [
              {
                beginDate: "2024-01-01T00:00:00Z",
                expirationDate: "2024-02-01T00:00:00Z",
                relativeBeginDate: "PT1M",
                relativeExpirationDate: "PT2H",
                gracePeriod: "PT1M",
                contentKeyLocation: { type: "FromKeyIdentifier", keyId: "8ba94ade-6eb9-449d-b44f-a5beefaf43b0" },
                playRight: {
                  firstPlayExpiration: "PT1H",
                  scmsRestriction: 1,
                  agcAndColorStripeRestriction: 1,
                  uncompressedDigitalVideoOpl: 100,
                  compressedDigitalVideoOpl: 100,
                  analogVideoOpl: 100,
                  compressedDigitalAudioOpl: 100,
                  uncompressedDigitalAudioOpl: 100,
                },
              },
              {},
            ],
          },
          restriction: {
            type: "Token",
            issuer: "i",
            audience: "a",
            tokenType: "Jwt",
            primaryVerificationKey: rsa,
            alternateVerificationKeys: [sym, { type: "X509", rawBody: "MIIB" }],
            requiredClaims: [{ claimType: "c" }, { claimType: "d", claimValue: "v" }],
          },
        },
        {
          name: "wv",
          configuration: { type: "Widevine", template: { allowed_track_types: "SD_ONLY" } },
          restriction: { type: "Token", issuer: "i", audience: "a", tokenType: "Swt", primaryVerificationKey: sym },
        },
        {
          name: "fp",
          configuration: {
            type: "FairPlay",
            ask: "00".repeat(16),
            fairPlayPfx: "UEZY",
            fairPlayPfxPassword: "p",
            offlineRentalConfiguration: { playbackDurationSeconds: 1, storageDurationSeconds: 2 },
          },
          restriction: {
            type: "Token",
            issuer: "i",
            audience: "a",
            tokenType: "Jwt",
            openIdConnectDiscoveryDocument: "https://login.example/.well-known/openid-configuration",
          },
        },
      ],
    });
    options.forEach((o, i) => {
      fits(o as unknown as Record<string, unknown>, "ContentKeyPolicyOption", `options.${i}`);
      const c = o.configuration as Record<string, any>;
      fitsOdata(c, `options.${i}.configuration`);
      for (const [j, l] of (c.licenses ?? []).entries()) {
        fits(l, "ContentKeyPolicyPlayReadyLicense", `options.${i}.licenses.${j}`);
        fitsOdata(l.contentKeyLocation, `options.${i}.licenses.${j}.contentKeyLocation`);
        if (l.playRight)
          fits(l.playRight, "ContentKeyPolicyPlayReadyPlayRight", `options.${i}.licenses.${j}.playRight`);
      }
      if (c.offlineRentalConfiguration)
        fits(
          c.offlineRentalConfiguration,
          "ContentKeyPolicyFairPlayOfflineRentalConfiguration",
          `options.${i}.offlineRentalConfiguration`,
        );
      const r = o.restriction as Record<string, any>;
      // ARM declares primaryVerificationKey required; an OpenID Connect-only restriction (option "fp") omits it.
      fitsOdata(r, `options.${i}.restriction`, r.openIdConnectDiscoveryDocument ? ["primaryVerificationKey"] : []);
      if (r.primaryVerificationKey)
        fitsOdata(r.primaryVerificationKey, `options.${i}.restriction.primaryVerificationKey`);
      for (const k of r.alternateVerificationKeys ?? [])
        fitsOdata(k, `options.${i}.restriction.alternateVerificationKeys`);
      for (const cl of r.requiredClaims ?? [])
        fits(cl, "ContentKeyPolicyTokenClaim", `options.${i}.restriction.requiredClaims`);
    });
  });

  it("streaming policy schemes, DRM configurations, protocols and content keys", () => {
    const sp = renderStreamingPolicy({
      name: "all",
      defaultContentKeyPolicyName: "p",
      cenc: {
        protocols: ["Dash", "SmoothStreaming"],
        playReady: { customLicenseAcquisitionUrlTemplate: "https://k/{ContentKeyId}", playReadyCustomAttributes: "a" },
        widevine: { customLicenseAcquisitionUrlTemplate: "https://k/{ContentKeyId}" },
        clearKey: { customKeysAcquisitionUrlTemplate: "https://k/ck" },
        clearTracks: [{ trackSelections: [{ property: "FourCC", operation: "Equal", value: "hev1" }] }],
        contentKeyPolicyName: "p",
      },
      cbcs: {
        protocols: ["Hls"],
        fairPlay: { customLicenseAcquisitionUrlTemplate: "https://k/{ContentKeyId}", allowPersistentLicense: true },
        playReady: true,
        widevine: true,
        clearKey: {},
      },
      envelope: { protocols: ["Hls"], customKeyAcquisitionUrlTemplate: "https://k/{ContentKeyId}" },
    });
    const { streamingPolicyName: _n, defaultContentKeyPolicyName: _d, ...schemes } = sp;
    const cenc = schemes.commonEncryptionCenc as Record<string, any>;
    const cbcs = schemes.commonEncryptionCbcs as Record<string, any>;
    const env = schemes.envelopeEncryption as Record<string, any>;
    fits(cenc, "CommonEncryptionCenc", "cenc");
    fits(cbcs, "CommonEncryptionCbcs", "cbcs");
    fits(env, "EnvelopeEncryption", "envelope");
    for (const [p, s] of [
      ["cenc", cenc],
      ["cbcs", cbcs],
      ["envelope", env],
    ] as const) {
      fits(s.enabledProtocols, "EnabledProtocols", `${p}.enabledProtocols`);
      fits(s.contentKeys, "StreamingPolicyContentKeys", `${p}.contentKeys`);
      fits(s.contentKeys.defaultKey, "DefaultKey", `${p}.contentKeys.defaultKey`);
    }
    fits(cenc.drm, "CencDrmConfiguration", "cenc.drm");
    fits(cbcs.drm, "CbcsDrmConfiguration", "cbcs.drm");
    fits(cenc.drm.playReady, "StreamingPolicyPlayReadyConfiguration", "cenc.drm.playReady");
    fits(cenc.drm.widevine, "StreamingPolicyWidevineConfiguration", "cenc.drm.widevine");
    fits(cbcs.drm.fairPlay, "StreamingPolicyFairPlayConfiguration", "cbcs.drm.fairPlay");
    fits(
      cenc.clearKeyEncryptionConfiguration,
      "ClearKeyEncryptionConfiguration",
      "cenc.clearKeyEncryptionConfiguration",
    );
    fits(cenc.clearTracks[0], "TrackSelection", "cenc.clearTracks.0");
    fits(cenc.clearTracks[0].trackSelections[0], "TrackPropertyCondition", "cenc.clearTracks.0.trackSelections.0");
    const clear = renderStreamingPolicy({ name: "c", clear: { protocols: ["Download"] } });
    fits(clear.noEncryption!, "NoEncryption", "noEncryption");
  });
});
