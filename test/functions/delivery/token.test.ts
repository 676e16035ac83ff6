/**
 * POST /token over loopback: the lab default (zero config) end to end, SWT issuance, entitlement rules and client
 * authentication. Issued tokens are checked with jose and node:crypto directly, with the lab key derived here from
 * its definition (HKDF-SHA256, info "keyplane lab token signing key"), not through Keyplane's helpers.
 */
import assert from "node:assert/strict";
import { MemoryContentKeyRegistry } from "../../../functions/registry/registry";
import { createHash, createHmac, hkdfSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJwt, jwtVerify } from "jose";
import { createBaseApp } from "../../../functions/http/base";
import { staticContext } from "../../../functions/context";
import { silentLogger } from "../../../functions/log";
import { listen } from "../../../functions/runtimes/listen";
import { deliveryRoutes } from "../../../functions/delivery/routes";
import { parseDeliveryConfig } from "../../../functions/delivery/config";
import { KeyplaneError } from "../../../functions/errors";
import { seed, startDelivery, b64url, type Server } from "../../support/delivery";
import { MICROSOFT_TEST_SEED_B64 } from "../../support/seed";

const CKI = "urn:microsoft:azure:mediaservices:contentkeyidentifier";
const MAXUSES = "urn:microsoft:azure:mediaservices:maxuses";
const KID = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0";
const labKey = Buffer.from(
  hkdfSync(
    "sha256",
    Buffer.from(MICROSOFT_TEST_SEED_B64, "base64"),
    Buffer.alloc(0),
    "keyplane lab token signing key",
    32,
  ),
);

async function post(srv: Server, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${srv.url}/token`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, res, json: (await res.json()) as any };
}

describe("POST /token", function () {
  this.timeout(20000);

  describe("lab mode (no policy file)", () => {
    let srv: Server;
    before(async () => {
      srv = await startDelivery({});
    });
    after(() => srv.close());

    it("issues an HS256 JWT with iss, aud, iat, nbf, 1 h exp, jti, sub and the content key identifier", async () => {
      const r = await post(srv, { subject: "viewer-1", kids: [KID] });
      assert.equal(r.status, 200);
      assert.equal(r.res.headers.get("cache-control"), "no-store");
      assert.equal(r.json.tokenType, "Jwt");
      assert.equal(r.json.expiresIn, 3600);
      const { payload, protectedHeader } = await jwtVerify(r.json.token, labKey, {
        algorithms: ["HS256"],
        issuer: "keyplane-lab",
        audience: "keyplane-lab-player",
        currentDate: new Date(srv.clock.now),
      });
      assert.equal(protectedHeader.alg, "HS256");
      assert.equal(payload.sub, "viewer-1");
      assert.equal(payload.exp! - payload.iat!, 3600);
      assert.equal(payload.nbf, payload.iat);
      assert.match(String(payload.jti), /^[0-9a-f-]{36}$/);
      assert.equal(payload[CKI], KID);
      assert.equal(payload[MAXUSES], undefined);
    });

    it("tokens from /token open /clearkey and /hls/key; they are bound to their KID", async () => {
      const { json } = await post(srv, { subject: "viewer-1", kids: [KID] });
      const kidB = Buffer.from(KID.replace(/-/g, ""), "hex");
      const ck = await fetch(`${srv.url}/clearkey`, {
        method: "POST",
        headers: { authorization: `Bearer ${json.token}` },
        body: JSON.stringify({ kids: [b64url(kidB)], type: "temporary" }),
      });
      assert.equal(ck.status, 200);
      assert.equal(((await ck.json()) as any).keys[0].k, b64url(seed.contentKey(kidB)));
      const hls = await fetch(`${srv.url}/hls/key/${KID}`, { headers: { authorization: `Bearer ${json.token}` } });
      assert.equal(hls.status, 200);
      const other = await fetch(`${srv.url}/hls/key/00000000-0000-4000-8000-000000000000`, {
        headers: { authorization: `Bearer ${json.token}` },
      });
      assert.equal(other.status, 403);
    });

    it("writes maxuses and the key delivery enforces it", async () => {
      const { json } = await post(srv, { subject: "v", kids: [KID], maxUses: 1 });
      assert.equal(decodeJwt(json.token)[MAXUSES], 1);
      const get = () => fetch(`${srv.url}/hls/key/${KID}?token=${encodeURIComponent(json.token)}`);
      assert.equal((await get()).status, 200);
      assert.equal((await get()).status, 403);
    });

    it("issues a SWT in the AMS format that verifies with HMAC-SHA256 and opens /hls/key", async () => {
      const r = await post(srv, { subject: "legacy", kids: [KID], tokenType: "Swt" });
      assert.equal(r.status, 200);
      assert.equal(r.json.tokenType, "Swt");
      const t: string = r.json.token;
      const [unsigned, mac] = t.split("&HMACSHA256=") as [string, string];
      assert.equal(decodeURIComponent(mac), createHmac("sha256", labKey).update(unsigned).digest("base64"));
      const p = new URLSearchParams(unsigned);
      assert.equal(p.get("Issuer"), "keyplane-lab");
      assert.equal(p.get("Audience"), "keyplane-lab-player");
      assert.equal(Number(p.get("ExpiresOn")), Math.floor(srv.clock.now / 1000) + 3600);
      assert.equal(p.get(CKI), KID);
      assert.ok(unsigned.endsWith(`&Issuer=keyplane-lab`), "Audience, ExpiresOn, Issuer come last");
      const hls = await fetch(`${srv.url}/hls/key/${KID}`, { headers: { authorization: `Bearer ${t}` } });
      assert.equal(hls.status, 200);
    });

    it("expired lab tokens are refused once the clock moves past exp + skew", async () => {
      const { json } = await post(srv, { subject: "v", kids: [KID], lifetimeSeconds: 60 });
      srv.clock.now += 200_000;
      try {
        const res = await fetch(`${srv.url}/hls/key/${KID}`, { headers: { authorization: `Bearer ${json.token}` } });
        assert.equal(res.status, 401);
        assert.equal(((await res.json()) as any).error.code, "TOKEN_EXPIRED");
      } finally {
        srv.clock.now -= 200_000;
      }
    });

    it("refuses bad requests with 400", async () => {
      assert.equal((await post(srv, { kids: [KID] })).status, 400);
      assert.equal((await post(srv, { subject: "v", kids: ["nope"] })).json.error.code, "KID_INVALID");
      assert.equal((await post(srv, { subject: "v", tokenType: "Saml" })).status, 400);
      assert.equal((await post(srv, { subject: "v", lifetimeSeconds: 10 * 86400 })).status, 400);
      const res = await fetch(`${srv.url}/token`, { method: "POST", body: "{oops" });
      assert.equal(res.status, 400);
    });
  });

  describe("entitlement rules file with a client secret", () => {
    let srv: Server;
    const secret = "s3cret-client-value";
    before(async () => {
      const dir = mkdtempSync(join(tmpdir(), "keyplane-ent-"));
      writeFileSync(
        join(dir, "rules.json"),
        JSON.stringify({
          auth: { mode: "clientSecret", secretSha256: [createHash("sha256").update(secret).digest("hex")] },
          rules: [
            { subjects: ["alice"], kids: [KID], maxUses: 3, lifetimeSeconds: 300 },
            { subjects: ["bob"], contentIds: ["movie-1"], kids: [KID], claims: { tier: "gold" } },
            { subjects: ["carol"], contentIds: ["movie-1"], kids: ["*"] },
          ],
        }),
      );
      // SPEKE served KID for movie-1 (the content key registry is what content-scoped rules consult).
      const registry = new MemoryContentKeyRegistry();
      await registry.record("movie-1", [Buffer.from(KID.replace(/-/g, ""), "hex")], Date.now());
      srv = await startDelivery({ entitlementsFile: join(dir, "rules.json") }, { contentKeyRegistry: registry });
    });
    after(() => srv.close());

    it("401 without or with a wrong client secret", async () => {
      const none = await post(srv, { subject: "alice", kids: [KID] });
      assert.equal(none.status, 401);
      assert.equal(none.json.error.code, "CLIENT_UNAUTHORIZED");
      assert.equal(
        (await post(srv, { subject: "alice", kids: [KID] }, { "x-keyplane-client-secret": "guess" })).status,
        401,
      );
    });
    it("applies the rule caps (maxUses, lifetime) for an entitled subject", async () => {
      const r = await post(srv, { subject: "alice", kids: [KID], maxUses: 10 }, { "x-keyplane-client-secret": secret });
      assert.equal(r.status, 200);
      assert.equal(r.json.expiresIn, 300);
      assert.equal(decodeJwt(r.json.token)[MAXUSES], 3);
    });
    it("403 for subjects, KIDs or content ids outside the rules", async () => {
      const h = { "x-keyplane-client-secret": secret };
      assert.equal((await post(srv, { subject: "mallory", kids: [KID] }, h)).status, 403);
      assert.equal(
        (await post(srv, { subject: "alice", kids: ["00000000-0000-4000-8000-000000000000"] }, h)).status,
        403,
      );
      assert.equal((await post(srv, { subject: "alice" }, h)).status, 403, "unbound tokens need kids: [*]");
      assert.equal((await post(srv, { subject: "bob", contentId: "movie-2", kids: [KID] }, h)).status, 403);
      const bob = await post(srv, { subject: "bob", contentId: "movie-1", kids: [KID] }, h);
      assert.equal(bob.status, 200);
      assert.equal(decodeJwt(bob.json.token).tier, "gold");
      // A content id alone would mean a token for every key: a rule scoped to movie-1's KIDs must not issue one...
      assert.equal(
        (await post(srv, { subject: "bob", contentId: "movie-1" }, h)).status,
        403,
        "content id alone never unbinds",
      );
      // ...nor does a content-scoped rule with kids [*] (issue 14 item 2): it grants KIDs SPEKE served for movie-1 only.
      assert.equal(
        (await post(srv, { subject: "carol", contentId: "movie-1" }, h)).status,
        403,
        "no unbound token from a content-scoped rule",
      );
      const carol = await post(srv, { subject: "carol", contentId: "movie-1", kids: [KID] }, h);
      assert.equal(carol.status, 200);
      assert.equal(decodeJwt(carol.json.token)["urn:microsoft:azure:mediaservices:contentkeyidentifier"], KID);
      assert.equal(
        (await post(srv, { subject: "carol", contentId: "movie-1", kids: ["00000000-0000-4000-8000-000000000000"] }, h))
          .status,
        403,
        "a KID never served for movie-1",
      );
      assert.equal((await post(srv, { subject: "carol", contentId: "movie-2", kids: [KID] }, h)).status, 403);
      assert.equal(
        (await post(srv, { subject: "carol", kids: [KID] }, h)).status,
        403,
        "a content-scoped rule needs the content id",
      );
    });
  });

  it("uses a pluggable Entitlements implementation", async () => {
    const srv = await startDelivery(
      {},
      {
        entitlements: {
          decide: async (r) =>
            r.subject === "vip" ? { subject: r.subject, kids: r.kids, claims: { plan: "vip" } } : undefined,
        },
      },
    );
    try {
      assert.equal((await post(srv, { subject: "nobody" })).status, 403);
      const ok = await post(srv, { subject: "vip" });
      assert.equal(ok.status, 200);
      assert.equal(decodeJwt(ok.json.token).plan, "vip");
    } finally {
      await srv.close();
    }
  });

  it("answers 404 outside lab mode when no signing key is configured", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyplane-p-"));
    writeFileSync(
      join(dir, "p.json"),
      JSON.stringify({
        policies: [
          { name: "o", options: [{ name: "o", configuration: { type: "ClearKey" }, restriction: { type: "Open" } }] },
        ],
        defaultPolicy: "o",
      }),
    );
    const srv = await startDelivery({ policyFile: join(dir, "p.json") });
    try {
      const r = await post(srv, { subject: "v" });
      assert.equal(r.status, 404);
      assert.equal(r.json.error.code, "TOKEN_SERVICE_DISABLED");
    } finally {
      await srv.close();
    }
  });
});

describe("delivery middleware scope and CORS", () => {
  it("applies CORS and WWW-Authenticate to the delivery paths only", async () => {
    const ctx = staticContext(seed, { logger: silentLogger });
    const app = createBaseApp(ctx);
    app.route(
      "/",
      deliveryRoutes(ctx, parseDeliveryConfig({ lab: true, cors: { allowOrigins: ["https://player.example"] } }), {
        env: {},
      }),
    );
    app.get("/other", () => {
      throw new KeyplaneError("OTHER", "other area", { status: 401 });
    });
    const l = await listen(app);
    try {
      const origin = { origin: "https://player.example" };
      const hls = await fetch(`${l.url}/hls/key/${KID}`, { headers: origin });
      assert.equal(hls.status, 401);
      assert.equal(hls.headers.get("access-control-allow-origin"), "https://player.example");
      assert.match(hls.headers.get("www-authenticate") ?? "", /^Bearer/);
      const pre = await fetch(`${l.url}/clearkey`, {
        method: "OPTIONS",
        headers: {
          ...origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization",
        },
      });
      assert.equal(pre.status, 204);
      const other = await fetch(`${l.url}/other`, { headers: origin });
      assert.equal(other.status, 401);
      assert.equal(other.headers.get("access-control-allow-origin"), null);
      assert.equal(other.headers.get("www-authenticate"), null);
    } finally {
      await l.close();
    }
  });
});
