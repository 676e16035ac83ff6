/**
 * `POST /license/:vendor` — the license proxy. For each request:
 *   viewer token (Authorization: Bearer / Bearer= / ?token=) verified against the vendor's restriction (401)
 *   -> entitled KIDs from the verified claims and the policy binding (403, see entitlement.ts)
 *   -> the license challenge read with a size cap (400/413)
 *   -> the vendor credential built (Axinom X-AxDRM-Message, DRMtoday x-dt-auth-token, or injected headers)
 *   -> the challenge POSTed upstream with allow-listed player headers, one deadline (504) and no redirects (502)
 *   -> the vendor's answer streamed back byte for byte with `Cache-Control: no-store`.
 * Credentials are resolved once, when the routes are created (start-up), and retried on the next request if that
 * failed. No token, credential or upstream body ever reaches a log line or an error body.
 */
import { App } from "../http/router";
import { once, type KeyplaneContext } from "../context";
import { cors } from "../http/cors";
import type { AppEnv } from "../http/env";
import { kidToUuid } from "../keys/kid";
import type { TokenRestriction } from "../policy/model";
import { formatIssues } from "../validation";
import { MemoryUseCounter, type UseCounter } from "../tokens/counter";
import { extractToken } from "../tokens/extract";
import { verifyViewerToken } from "../tokens/verify";
import { axinomCredential } from "./axinom";
import { readChallenge } from "./challenge";
import { licenseConfigSchema, type LicenseConfig, type VendorConfig } from "./config";
import { crtForViewer, drmtodayCredential } from "./drmtoday";
import { HMAC_MIN_KEY_BYTES } from "./jws";
import { entitledKids } from "./entitlement";
import { licenseError } from "./errors";
import { decodeSecretBytes, defaultSecretResolver, describeSecretRef, type SecretResolver } from "./secrets";
import { forwardToUpstream } from "./upstream";

export interface LicenseDeps {
  /** fetch for upstream calls (and OpenID Connect discovery); defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Resolves credential references; defaults to env + AWS Secrets Manager. */
  secrets?: SecretResolver;
  /** Replay counter for tokens with a maxuses claim; defaults to one in-memory counter for these routes. */
  useCounter?: UseCounter;
  /** Allowed viewer-token clock skew in seconds (default 60, capped at 120 by the verifier). */
  skewSeconds?: number;
}

/** What the credential builders need at request time, resolved from secret references at start-up. */
type ResolvedCredentials =
  | { kind: "axinom"; comKey: Buffer }
  | { kind: "drmtoday"; sharedSecret: Buffer }
  | { kind: "headers"; headers: Record<string, string> };

async function resolveCredentials(v: VendorConfig, secrets: SecretResolver): Promise<ResolvedCredentials> {
  switch (v.kind) {
    case "axinom": {
      const text = await secrets.resolve(v.comKey);
      const comKey = decodeSecretBytes(
        text,
        v.comKeyEncoding,
        `Axinom communication key ${describeSecretRef(v.comKey)}`,
      );
      if (comKey.length !== 32)
        throw licenseError("LICENSE_CONFIG_INVALID", "The Axinom communication key must decode to 32 bytes", {
          ref: describeSecretRef(v.comKey),
        });
      return { kind: "axinom", comKey };
    }
    case "drmtoday": {
      const text = await secrets.resolve(v.sharedSecret);
      const sharedSecret = decodeSecretBytes(
        text,
        v.sharedSecretEncoding,
        `DRMtoday shared secret ${describeSecretRef(v.sharedSecret)}`,
      );
      const min = HMAC_MIN_KEY_BYTES[v.alg];
      if (sharedSecret.length < min)
        throw licenseError(
          "LICENSE_CONFIG_INVALID",
          `The DRMtoday shared secret must be at least ${min} bytes for ${v.alg}`,
          { ref: describeSecretRef(v.sharedSecret) },
        );
      return { kind: "drmtoday", sharedSecret };
    }
    case "headers": {
      const headers: Record<string, string> = {};
      for (const [name, ref] of Object.entries(v.headers)) {
        const value = await secrets.resolve(ref);
        if (/[\r\n\0]/.test(value))
          throw licenseError("LICENSE_CONFIG_INVALID", `Credential for header ${name} contains control characters`, {
            ref: describeSecretRef(ref),
          });
        headers[name] = value;
      }
      return { kind: "headers", headers };
    }
  }
}

async function credentialHeaders(
  v: VendorConfig,
  creds: ResolvedCredentials,
  kids: Buffer[],
  claims: Record<string, unknown>,
  now: number,
): Promise<Record<string, string>> {
  if (v.kind === "axinom" && creds.kind === "axinom") {
    return axinomCredential(
      {
        comKeyId: v.comKeyId,
        kids,
        now,
        ttlSeconds: v.messageTtlSeconds,
        ...(v.license ? { license: v.license } : {}),
      },
      creds.comKey,
    );
  }
  if (v.kind === "drmtoday" && creds.kind === "drmtoday") {
    let assetId: string | undefined;
    if (v.assetIdClaim) {
      const a = claims[v.assetIdClaim];
      if (typeof a !== "string" || a.length === 0 || a.length > 256)
        throw licenseError("NOT_ENTITLED", "The token names no asset for this license service");
      assetId = a;
    }
    return drmtodayCredential(
      {
        merchant: v.merchant,
        crt: crtForViewer(v.crt, assetId),
        secretId: v.sharedSecretId,
        alg: v.alg,
        now,
        ttlSeconds: v.tokenTtlSeconds,
      },
      creds.sharedSecret,
    );
  }
  if (v.kind === "headers" && creds.kind === "headers") return { ...creds.headers };
  throw licenseError("LICENSE_CONFIG_INVALID", "Vendor credentials do not match the vendor kind");
}

interface PreparedVendor {
  name: string;
  config: VendorConfig;
  credentials: () => Promise<ResolvedCredentials>;
  forward: Set<string>;
}

export function licenseRoutes(ctx: KeyplaneContext, config: LicenseConfig, deps: LicenseDeps = {}): App<AppEnv> {
  const parsed = licenseConfigSchema.safeParse(config ?? {});
  if (!parsed.success)
    throw licenseError("LICENSE_CONFIG_INVALID", `Invalid license configuration: ${formatIssues(parsed.error)}`);
  const cfg = parsed.data;
  const secrets = deps.secrets ?? defaultSecretResolver();
  const useCounter = deps.useCounter ?? new MemoryUseCounter();
  const upstreamFetch = deps.fetch ?? fetch;

  const vendors = new Map<string, PreparedVendor>();
  for (const [name, v] of Object.entries(cfg.vendors)) {
    const credentials = once(() => resolveCredentials(v, secrets));
    // Start-up resolution: begin now; a failure is logged (by reference, never value) and retried on first use.
    credentials().catch((e: unknown) =>
      ctx.logger.error("license_credentials_unavailable", {
        vendor: name,
        code: (e as { code?: unknown }).code,
        detail: (e as { detail?: unknown }).detail,
      }),
    );
    vendors.set(name, { name, config: v, credentials, forward: new Set(v.forwardHeaders.map((h) => h.toLowerCase())) });
  }

  const app = new App<AppEnv>();
  if (cfg.cors) app.use("/license/*", cors(cfg.cors));

  app.post("/license/:vendor", async (c) => {
    const log = c.get("log") ?? ctx.logger;
    const vendor = vendors.get(c.req.param("vendor"));
    if (!vendor) throw licenseError("LICENSE_VENDOR_UNKNOWN", "No such license service");
    const v = vendor.config;
    const now = ctx.now();

    // 1. the viewer
    let claims: Record<string, unknown> = {};
    if (v.restriction.type === "Token") {
      const token = extractToken(c.req);
      const verified = await verifyViewerToken(token, v.restriction as TokenRestriction, {
        now,
        useCounter,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
        ...(deps.skewSeconds !== undefined ? { skewSeconds: deps.skewSeconds } : {}),
      });
      claims = verified.claims;
    }
    // 2. what the viewer may have (DRMtoday with assetIdClaim: the asset claim is the entitlement, KIDs are optional)
    const assetEntitles = v.kind === "drmtoday" && v.assetIdClaim !== undefined;
    const kids = entitledKids(claims, v.kids, { required: !assetEntitles });
    // 3. the challenge
    const challenge = await readChallenge(c, v.maxChallengeBytes);
    // 4. the vendor credential
    let creds: ResolvedCredentials;
    try {
      creds = await vendor.credentials();
    } catch (e) {
      log.error("license_credentials_unavailable", { vendor: vendor.name, code: (e as { code?: unknown }).code });
      throw licenseError("LICENSE_CREDENTIALS_UNAVAILABLE", "License service is not configured");
    }
    const headers = new Headers();
    for (const [name, value] of c.req.raw.headerEntries()) {
      if (vendor.forward.has(name)) headers.set(name, value);
    }
    if (!headers.has("content-type")) headers.set("content-type", "application/octet-stream");
    for (const [name, value] of Object.entries(await credentialHeaders(v, creds, kids, claims, now)))
      headers.set(name, value);

    log.info("license_request", {
      vendor: vendor.name,
      kind: v.kind,
      kids: kids.map(kidToUuid),
      challengeBytes: challenge.length,
    });
    // 5. upstream, read back (capped)
    return forwardToUpstream({
      fetch: upstreamFetch,
      url: v.upstreamUrl,
      headers,
      body: challenge,
      timeoutMs: v.timeoutMs,
      log,
      vendor: vendor.name,
    });
  });

  return app;
}
