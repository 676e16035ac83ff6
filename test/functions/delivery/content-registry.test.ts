/**
 * Issue 14, items 1 and 2: a content id never comes from the viewer. Key delivery and the token service configured as
 * the examples of docs/delivery.md (a token policy by default, an open policy bound to content id "trailer", a
 * client-secret token service with a content-scoped rule), over real HTTP on loopback through the whole app (SPEKE +
 * delivery in one process, sharing one content key registry, as the lab runs them).
 *
 * Expected keys come from the SPEKE response itself (the CPIX `pskc:PlainValue` read with xmldom), an independent path
 * from key delivery's own answer.
 */
import assert from "node:assert/strict";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DOMParser } from "@xmldom/xmldom";
import { createApp } from "../../../functions/app";
import { parseKeyplaneConfig, type KeyplaneConfigInput } from "../../../functions/config";
import { staticContext } from "../../../functions/context";
import { createLogger } from "../../../functions/log";
import { listen, type Listening } from "../../../functions/runtimes/listen";
import { seed } from "../../support/delivery";

const PSKC = "urn:ietf:params:xml:ns:keyprov:pskc";
const CLIENT_SECRET = "s3cret-backend-credential";
const sha256hex = (s: string) => createHash("sha256").update(s).digest("hex");

/** docs/delivery.md's policy example: "premium" (token) by default, "free" (open) bound to content id "trailer". */
function readmePolicies(premiumKid?: string) {
  return {
    policies: [
      {
        name: "premium",
        options: [
          {
            name: "clearkey",
            configuration: { type: "ClearKey" },
            restriction: {
              type: "Token",
              issuer: "https://sts.example",
              audience: "urn:player",
              tokenType: "Jwt",
              primaryVerificationKey: { type: "Symmetric", keyValue: randomBytes(32).toString("base64") },
            },
          },
        ],
      },
      { name: "free", options: [{ name: "open", configuration: { type: "ClearKey" }, restriction: { type: "Open" } }] },
    ],
    bindings: [
      ...(premiumKid ? [{ policy: "premium", kids: [premiumKid] }] : []),
      { policy: "free", contentIds: ["trailer"] },
    ],
    defaultPolicy: "premium",
  };
}

/** docs/delivery.md's entitlement example: alice's narrow rule, then anyone for the trailer. */
const README_RULES = (aliceKid: string) => ({
  auth: { mode: "clientSecret", header: "x-keyplane-client-secret", secretSha256: [sha256hex(CLIENT_SECRET)] },
  rules: [
    { subjects: ["alice"], kids: [aliceKid], maxUses: 5, lifetimeSeconds: 600 },
    { subjects: ["*"], contentIds: ["trailer"], kids: ["*"], claims: { tier: "free" } },
  ],
});

interface Lab {
  url: string;
  close(): Promise<void>;
}

async function start(input: KeyplaneConfigInput, env: Record<string, string> = {}): Promise<Lab> {
  const ctx = staticContext(seed, { logger: createLogger({ level: "error", sink: () => undefined }) });
  const app = createApp(ctx, parseKeyplaneConfig(input), { deliveryDeps: { env } });
  const l: Listening = await listen(app);
  return { url: l.url, close: () => l.close() };
}

/** A SPEKE v2.0 request for `kids` (UUIDs) under `contentId`, ClearKey signalling, one video key each. */
function spekeRequest(contentId: string, kids: string[]): string {
  const ck = kids.map((k) => `<cpix:ContentKey kid="${k}" commonEncryptionScheme="cenc"/>`).join("");
  const ds = kids
    .map(
      (k) => `<cpix:DRMSystem kid="${k}" systemId="3ea8778f-7742-4bf9-b18b-e834b2acbd47"><cpix:PSSH/></cpix:DRMSystem>`,
    )
    .join("");
  const ur = kids
    .map(
      (k) =>
        `<cpix:ContentKeyUsageRule kid="${k}" intendedTrackType="VIDEO"><cpix:VideoFilter/></cpix:ContentKeyUsageRule>`,
    )
    .join("");
  return (
    `<?xml version="1.0" encoding="UTF-8"?><cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="${PSKC}" contentId="${contentId}" version="2.3">` +
    `<cpix:ContentKeyList>${ck}</cpix:ContentKeyList><cpix:DRMSystemList>${ds}</cpix:DRMSystemList>` +
    `<cpix:ContentKeyUsageRuleList>${ur}</cpix:ContentKeyUsageRuleList></cpix:CPIX>`
  );
}

/** Posts a SPEKE request; returns status, body and the served keys by KID hex (read from the CPIX response). */
async function speke(lab: Lab, contentId: string, kids: string[]) {
  const r = await fetch(`${lab.url}/speke`, {
    method: "POST",
    headers: { "x-speke-version": "2.0", "content-type": "application/xml" },
    body: spekeRequest(contentId, kids),
  });
  const body = await r.text();
  const keys = new Map<string, Buffer>();
  if (r.status === 200) {
    const doc = new DOMParser().parseFromString(body, "text/xml");
    const cks = doc.getElementsByTagNameNS("urn:dashif:org:cpix", "ContentKey");
    for (let i = 0; i < cks.length; i++) {
      const ck = cks.item(i)!;
      const v = ck.getElementsByTagNameNS(PSKC, "PlainValue").item(0)!;
      keys.set(ck.getAttribute("kid")!.replace(/-/g, ""), Buffer.from(v.textContent!.trim(), "base64"));
    }
  }
  return { status: r.status, body, keys };
}

const hex = (uuid: string) => uuid.replace(/-/g, "");
const b64u = (uuid: string) => Buffer.from(hex(uuid), "hex").toString("base64url");

async function clearkey(lab: Lab, kid: string, query = "", token?: string) {
  const r = await fetch(`${lab.url}/clearkey${query}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ kids: [b64u(kid)], type: "temporary" }),
  });
  return {
    status: r.status,
    json: (await r.json()) as { keys?: { kid: string; k: string }[]; error?: { code: string } },
  };
}

async function hlsKey(lab: Lab, kid: string, query = "") {
  const r = await fetch(`${lab.url}/hls/key/${kid}${query}`);
  return { status: r.status, body: Buffer.from(await r.arrayBuffer()) };
}

async function token(lab: Lab, body: object, secret: string | undefined = CLIENT_SECRET) {
  const r = await fetch(`${lab.url}/token`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(secret ? { "x-keyplane-client-secret": secret } : {}) },
    body: JSON.stringify(body),
  });
  return { status: r.status, json: (await r.json()) as { token?: string; error?: { code: string } } };
}

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;

describe("content key registry: the content id comes from SPEKE, never from the viewer (issue 14 items 1-2)", function () {
  this.timeout(30000);
  let lab: Lab;
  let dir: string;
  const trailerKid = randomUUID();
  const movieKid = randomUUID();
  const unboundKid = randomUUID();
  const premiumKid = randomUUID();
  const aliceKid = randomUUID();

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "keyplane-registry-"));
    const entFile = join(dir, "entitlements.json");
    writeFileSync(entFile, JSON.stringify(README_RULES(aliceKid)));
    lab = await start(
      {
        delivery: {
          lab: true,
          entitlementsFile: entFile,
          tokenIssuer: { signingKey: { alg: "HS256", keyBase64: randomBytes(32).toString("base64") } },
        },
        contentKeyRegistry: { type: "file", path: join(dir, "content-keys.jsonl") },
      },
      { KEYPLANE_DELIVERY_POLICIES: JSON.stringify(readmePolicies(premiumKid)) },
    );
  });
  after(async () => {
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("item 1: a viewer-chosen content id picks no policy", () => {
    it("refuses ?contentId=trailer on a KID governed by the token-restricted default policy (was 200 with the key)", async () => {
      const ck = await clearkey(lab, unboundKid, "?contentId=trailer");
      assert.equal(ck.status, 401);
      assert.equal(ck.json.error?.code, "TOKEN_MISSING");
      assert.equal(ck.json.keys, undefined);
      const hls = await hlsKey(lab, unboundKid, "?contentId=trailer");
      assert.equal(hls.status, 401);
      assert.notEqual(hls.body.length, 16);
    });

    it("delivers a KID that SPEKE served for the trailer under the open policy, with the key SPEKE gave the packager", async () => {
      const s = await speke(lab, "trailer", [trailerKid]);
      assert.equal(s.status, 200, s.body);
      const expected = s.keys.get(hex(trailerKid))!;
      assert.equal(expected.length, 16);
      const ck = await clearkey(lab, trailerKid);
      assert.equal(ck.status, 200);
      assert.deepEqual(Buffer.from(ck.json.keys![0]!.k, "base64url"), expected);
      const hls = await hlsKey(lab, trailerKid);
      assert.equal(hls.status, 200);
      assert.deepEqual(hls.body, expected);
    });

    it("keeps a KID SPEKE served for other content under the default policy, whatever ?contentId= says", async () => {
      assert.equal((await speke(lab, "movie-1", [movieKid])).status, 200);
      assert.equal((await clearkey(lab, movieKid, "?contentId=trailer")).status, 401);
      assert.equal((await hlsKey(lab, movieKid, "?contentId=trailer")).status, 401);
    });

    it("lets a KID binding win over the registry's content id", async () => {
      assert.equal((await speke(lab, "trailer", [premiumKid])).status, 200);
      assert.equal((await hlsKey(lab, premiumKid)).status, 401);
    });

    it("refuses to serve a KID again for another content id (409), and the first content id stays", async () => {
      const again = await speke(lab, "movie-1", [trailerKid]);
      assert.equal(again.status, 409);
      assert.match(again.body, /already served for another content id/);
      assert.equal(again.keys.size, 0);
      assert.equal((await hlsKey(lab, trailerKid)).status, 200);
      // The same content id again is a repeated request, not a conflict.
      assert.equal((await speke(lab, "trailer", [trailerKid])).status, 200);
    });

    it("keeps the records in the data directory: a restarted server still knows the trailer's KID", async () => {
      const lines = readFileSync(join(dir, "content-keys.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { kid: string; contentId: string; at: string });
      assert.deepEqual(
        lines.filter((l) => l.kid === hex(trailerKid)).map((l) => l.contentId),
        ["trailer"],
        "one line per KID",
      );
      assert.ok(!Number.isNaN(Date.parse(lines[0]!.at)));
      const again = await start(
        { delivery: { lab: true }, contentKeyRegistry: { type: "file", path: join(dir, "content-keys.jsonl") } },
        { KEYPLANE_DELIVERY_POLICIES: JSON.stringify(readmePolicies()) },
      );
      try {
        assert.equal((await hlsKey(again, trailerKid)).status, 200);
        assert.equal((await hlsKey(again, movieKid)).status, 401);
        assert.equal((await speke(again, "movie-2", [trailerKid])).status, 409, "conflicts survive a restart too");
      } finally {
        await again.close();
      }
    });
  });

  describe("item 2: content-scoped entitlement rules match only requests that name the content", () => {
    it("refuses POST /token without a content id for any subject and KID (was 200 through the trailer rule)", async () => {
      const r = await token(lab, { subject: "mallory", kids: [unboundKid] });
      assert.equal(r.status, 403);
      assert.equal(r.json.error?.code, "NOT_ENTITLED");
    });

    it("refuses an unbound token (no KIDs) through a content-scoped rule, with or without the content id", async () => {
      assert.equal((await token(lab, { subject: "mallory" })).status, 403);
      assert.equal((await token(lab, { subject: "mallory", contentId: "trailer" })).status, 403);
    });

    it("grants the trailer rule only KIDs the registry holds for the trailer", async () => {
      const ok = await token(lab, { subject: "mallory", contentId: "trailer", kids: [trailerKid] });
      assert.equal(ok.status, 200);
      assert.equal(claimsOf(ok.json.token!).tier, "free");
      assert.equal(
        (await token(lab, { subject: "mallory", contentId: "trailer", kids: [movieKid] })).status,
        403,
        "served for movie-1",
      );
      assert.equal(
        (await token(lab, { subject: "mallory", contentId: "trailer", kids: [unboundKid] })).status,
        403,
        "never served",
      );
      assert.equal(
        (await token(lab, { subject: "mallory", contentId: "trailer", kids: [trailerKid, movieKid] })).status,
        403,
        "one of two",
      );
      assert.equal(
        (await token(lab, { subject: "mallory", contentId: "movie-1", kids: [movieKid] })).status,
        403,
        "no rule for movie-1",
      );
    });

    it("keeps alice's narrower rule: maxUses and lifetime are not widened by the content rule", async () => {
      const r = await token(lab, { subject: "alice", kids: [aliceKid] });
      assert.equal(r.status, 200);
      const c = claimsOf(r.json.token!);
      assert.equal(c["urn:microsoft:azure:mediaservices:maxuses"], 5);
      assert.ok((c.exp as number) - (c.iat as number) <= 600);
      assert.equal((await token(lab, { subject: "alice" })).status, 403, "no unbound token for alice either");
    });

    it("still asks for the client secret first", async () => {
      assert.equal(
        (await token(lab, { subject: "mallory", contentId: "trailer", kids: [trailerKid] }, "wrong")).status,
        401,
      );
    });
  });
});
