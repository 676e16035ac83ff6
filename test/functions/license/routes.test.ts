/**
 * The license proxy end to end over loopback HTTP: a real node:http upstream records what it receives (headers, body
 * bytes) and answers; viewer tokens are real HS256 JWTs (jose); vendor credentials are checked with jose too (an
 * independent HS256 implementation), never with the module that produced them.
 */
import { strict as assert } from "node:assert";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { SignJWT, jwtVerify, decodeProtectedHeader } from "jose";
import { staticContext } from "../../../functions/context";
import { createLogger } from "../../../functions/log";
import { createBaseApp } from "../../../functions/http/base";
import { listen, type Listening } from "../../../functions/runtimes/listen";
import { licenseRoutes } from "../../../functions/license/routes";
import { licenseConfigSchema, type LicenseConfigInput } from "../../../functions/license/config";
import { memorySecretResolver } from "../../../functions/license/secrets";
import { CONTENT_KEY_IDENTIFIER_CLAIM } from "../../../functions/policy/model";
import type { KeySeed } from "../../../functions/keys/seed";

// Axinom documentation sample communication key (docs.axinom.com, "How to sign a License Service Message").
const COM_KEY_ID = "aa0151d7-081c-4699-a049-fc584556c9d2";
const COM_KEY_B64 = "RPSdG/fViTkTjcuG3fcRXL2JDchGThWQ/tfSNHAoG+A=";
// castLabs rtc-drm-transform guide's sample DRMtoday shared secret: "74657374" ("test") repeated, here 32 bytes.
const DT_SECRET_HEX = "74657374".repeat(8);
const EZ_SECRET = "ez-vendor-credential-0f9e8d7c6b5a";
const VIEWER_KEY = randomBytes(32);
const ISSUER = "https://sts.example.com";
const AUDIENCE = "urn:keyplane:player";

const KID_A = "9eb4050d-e44b-4802-932e-27d75083e266";
const KID_B = "80399bf5-8a21-4014-8053-e27e748e98c0";
const KID_C = "90953e09-6cb2-49a3-a260-7a5fefead499";

const tokenRestriction = {
  type: "Token" as const,
  issuer: ISSUER,
  audience: AUDIENCE,
  tokenType: "Jwt" as const,
  primaryVerificationKey: { type: "Symmetric" as const, keyValue: VIEWER_KEY.toString("base64") },
};

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
}
type Behaviour = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

class Upstream {
  seen: Seen[] = [];
  behaviour: Behaviour = (_req, res) => {
    res.writeHead(200, { "content-type": "application/octet-stream" });
    res.end(Buffer.from("ok"));
  };
  private server!: Server;
  url = "";
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        this.seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
        this.behaviour(req, res, body);
      });
    });
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

async function viewerToken(
  claims: Record<string, unknown>,
  opts: { key?: Uint8Array; expSeconds?: number } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.expSeconds ?? 600))
    .sign(opts.key ?? VIEWER_KEY);
}

describe("license/routes: POST /license/:vendor", () => {
  const upstream = new Upstream();
  const lines: string[] = [];
  let srv: Listening;

  before(async () => {
    await upstream.start();
    const config: LicenseConfigInput = {
      cors: { allowOrigins: ["https://player.example.com"] },
      vendors: {
        axinom: {
          kind: "axinom",
          upstreamUrl: `${upstream.url}/AcquireLicense`,
          restriction: tokenRestriction,
          kids: [KID_A, KID_B],
          comKeyId: COM_KEY_ID,
          comKey: { env: "AXINOM_COM_KEY" },
          messageTtlSeconds: 60,
          license: { duration: 3600 },
          forwardHeaders: ["content-type", "x-player-version"],
          maxChallengeBytes: 4096,
        },
        drmtoday: {
          kind: "drmtoday",
          upstreamUrl: `${upstream.url}/license-proxy-widevine/cenc/`,
          restriction: tokenRestriction,
          merchant: "keyplane-test",
          sharedSecret: { secretsManagerArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:drmtoday-AbCdEf" },
          sharedSecretId: "11111111-2222-3333-4444-555555555555",
          crt: [{ assetId: "placeholder", profile: { purchase: {} } }],
          assetIdClaim: "asset",
        },
        ezdrm: {
          kind: "headers",
          upstreamUrl: `${upstream.url}/widevine`,
          restriction: { type: "Open" },
          kids: [KID_C],
          headers: { "x-ezdrm-auth": { env: "EZDRM_AUTH" } },
        },
        slow: {
          kind: "headers",
          upstreamUrl: `${upstream.url}/slow`,
          restriction: { type: "Open" },
          kids: [KID_C],
          timeoutMs: 300,
          headers: { "x-ezdrm-auth": { env: "EZDRM_AUTH" } },
        },
        unreachable: {
          kind: "headers",
          upstreamUrl: "http://127.0.0.1:9/nothing-listens-here",
          restriction: { type: "Open" },
          kids: [KID_C],
          headers: { "x-ezdrm-auth": { env: "EZDRM_AUTH" } },
        },
        unconfigured: {
          kind: "headers",
          upstreamUrl: `${upstream.url}/widevine`,
          restriction: { type: "Open" },
          kids: [KID_C],
          headers: { "x-ezdrm-auth": { env: "NOT_PROVIDED" } },
        },
      },
    };
    const secrets = memorySecretResolver({
      AXINOM_COM_KEY: COM_KEY_B64,
      "secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:drmtoday-AbCdEf": DT_SECRET_HEX,
      EZDRM_AUTH: EZ_SECRET,
    });
    const logger = createLogger({ sink: (l) => lines.push(l), level: "debug" });
    const ctx = staticContext(Buffer.alloc(32) as unknown as KeySeed, { logger });
    const app = createBaseApp(ctx);
    app.route("/", licenseRoutes(ctx, licenseConfigSchema.parse(config), { secrets }));
    srv = await listen(app);
  });

  after(async () => {
    await srv.close();
    await upstream.stop();
  });

  beforeEach(() => {
    upstream.seen = [];
    upstream.behaviour = (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.end(Buffer.from("ok"));
    };
  });

  function post(vendor: string, body: Uint8Array | string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${srv.url}/license/${vendor}`, {
      method: "POST",
      headers: { "content-type": "application/octet-stream", ...headers },
      body: body as unknown as BodyInit,
    });
  }

  it("Axinom: forwards the challenge bytes with an X-AxDRM-Message listing exactly the entitled KIDs, short-lived, and streams the answer back", async () => {
    const challenge = randomBytes(3000);
    const answer = randomBytes(200_000);
    upstream.behaviour = (_req, res) => {
      res.writeHead(200, {
        "content-type": "application/vnd.ms-playready.license",
        "set-cookie": "vendor=1",
        "x-axdrm-server": "east",
      });
      // several writes: the proxy must pass a streamed answer through unchanged
      for (let i = 0; i < answer.length; i += 16384) res.write(answer.subarray(i, i + 16384));
      res.end();
    };
    // token grants A and C; the policy binds A and B -> entitled: A only
    const token = await viewerToken({ kids: [KID_A, KID_C] });
    const before = Math.floor(Date.now() / 1000);
    const res = await post("axinom", challenge, {
      authorization: `Bearer ${token}`,
      "x-player-version": "7.1",
      "x-not-allowed": "nope",
      cookie: "session=abc",
    });
    assert.equal(res.status, 200);
    const got = Buffer.from(await res.arrayBuffer());
    assert.ok(got.equals(answer), "answer streamed back byte for byte");
    assert.equal(res.headers.get("content-type"), "application/vnd.ms-playready.license");
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("set-cookie"), null);
    assert.equal(res.headers.get("x-axdrm-server"), null);

    assert.equal(upstream.seen.length, 1);
    const s = upstream.seen[0]!;
    assert.equal(s.method, "POST");
    assert.equal(s.url, "/AcquireLicense");
    assert.ok(s.body.equals(challenge), "challenge bytes forwarded unchanged");
    assert.equal(s.headers["x-player-version"], "7.1");
    assert.equal(s.headers["x-not-allowed"], undefined);
    assert.equal(s.headers.authorization, undefined, "the viewer token never goes upstream");
    assert.equal(s.headers.cookie, undefined);

    const msg = s.headers["x-axdrm-message"];
    assert.equal(typeof msg, "string");
    const { payload } = await jwtVerify(msg as string, Buffer.from(COM_KEY_B64, "base64"), { algorithms: ["HS256"] });
    assert.deepEqual(decodeProtectedHeader(msg as string), { alg: "HS256", typ: "JWT" });
    const p = payload as Record<string, any>;
    assert.equal(p.version, 1);
    assert.equal(p.com_key_id, COM_KEY_ID);
    assert.equal(p.message.type, "entitlement_message");
    assert.equal(p.message.version, 2);
    assert.deepEqual(p.message.license, { duration: 3600 });
    assert.deepEqual(p.message.content_keys_source.inline, [{ id: KID_A }]);
    const exp = Date.parse(p.expiration_date) / 1000;
    assert.ok(exp >= before + 55 && exp <= before + 62, `expiration_date ${p.expiration_date} is ~60 s ahead`);
  });

  it("Axinom: a content key identifier claim entitles that KID (compared as bytes, any encoding)", async () => {
    const kidB64url = Buffer.from(KID_B.replace(/-/g, ""), "hex").toString("base64url");
    const token = await viewerToken({ [CONTENT_KEY_IDENTIFIER_CLAIM]: kidB64url });
    const res = await post("axinom", "challenge", { authorization: `Bearer ${token}` });
    assert.equal(res.status, 200);
    const { payload } = await jwtVerify(
      upstream.seen[0]!.headers["x-axdrm-message"] as string,
      Buffer.from(COM_KEY_B64, "base64"),
      { algorithms: ["HS256"] },
    );
    assert.deepEqual((payload as any).message.content_keys_source.inline, [{ id: KID_B }]);
  });

  it("Axinom: a token naming no KIDs gets the policy binding", async () => {
    const token = await viewerToken({});
    const res = await post("axinom", "challenge", { authorization: `Bearer ${token}` });
    assert.equal(res.status, 200);
    const { payload } = await jwtVerify(
      upstream.seen[0]!.headers["x-axdrm-message"] as string,
      Buffer.from(COM_KEY_B64, "base64"),
      { algorithms: ["HS256"] },
    );
    assert.deepEqual((payload as any).message.content_keys_source.inline, [{ id: KID_A }, { id: KID_B }]);
  });

  it("accepts the token as `Bearer=<t>` (legacy AMS players) and as ?token= (never forwarded upstream)", async () => {
    const token = await viewerToken({ kids: [KID_B] });
    const legacy = await post("axinom", "challenge", { authorization: `Bearer=${token}` });
    assert.equal(legacy.status, 200);
    const viaQuery = await fetch(`${srv.url}/license/axinom?token=${encodeURIComponent(token)}`, {
      method: "POST",
      body: "challenge",
    });
    assert.equal(viaQuery.status, 200);
    assert.equal(upstream.seen.length, 2);
    for (const s of upstream.seen) {
      assert.equal(s.url, "/AcquireLicense");
      assert.ok(!JSON.stringify(s.headers).includes(token));
    }
  });

  it("DRMtoday: x-dt-auth-token is an HS256 JWT with kid, jti, iat, exp and optData/crt as JSON strings", async () => {
    const token = await viewerToken({ asset: "movie-42" });
    const before = Math.floor(Date.now() / 1000);
    const res = await post("drmtoday", Buffer.from([8, 1, 18, 3]), { authorization: `Bearer ${token}` });
    assert.equal(res.status, 200);
    const s = upstream.seen[0]!;
    assert.equal(s.url, "/license-proxy-widevine/cenc/");
    const uat = s.headers["x-dt-auth-token"] as string;
    const header = decodeProtectedHeader(uat);
    assert.deepEqual(header, { alg: "HS256", kid: "11111111-2222-3333-4444-555555555555", typ: "JWT" });
    const { payload } = await jwtVerify(uat, Buffer.from(DT_SECRET_HEX, "hex"), { algorithms: ["HS256"] });
    assert.equal(typeof payload.jti, "string");
    assert.ok(typeof payload.iat === "number" && payload.iat >= before - 1 && payload.iat <= before + 2);
    assert.ok(typeof payload.exp === "number" && payload.exp - payload.iat <= 60);
    assert.equal(typeof payload.optData, "string");
    assert.deepEqual(JSON.parse(payload.optData as string), { merchant: "keyplane-test" });
    assert.equal(typeof payload.crt, "string");
    assert.deepEqual(JSON.parse(payload.crt as string), [{ assetId: "movie-42", profile: { purchase: {} } }]);
    assert.equal(s.headers.authorization, undefined);
  });

  it("DRMtoday: a token without the asset claim is refused 403", async () => {
    const token = await viewerToken({});
    const res = await post("drmtoday", "x", { authorization: `Bearer ${token}` });
    assert.equal(res.status, 403);
    assert.equal(upstream.seen.length, 0);
  });

  it("header injection (EZDRM/KeyOS style): the credential header is added; an open restriction needs no token", async () => {
    const res = await post("ezdrm", "wv-challenge");
    assert.equal(res.status, 200);
    assert.equal(await res.text(), "ok");
    assert.equal(upstream.seen[0]!.headers["x-ezdrm-auth"], EZ_SECRET);
    assert.equal(upstream.seen[0]!.body.toString(), "wv-challenge");
  });

  it("401 without a token, with a token from the wrong key, and with an expired token", async () => {
    const cases: [Record<string, string>, string][] = [
      [{}, "TOKEN_MISSING"],
      [{ authorization: `Bearer ${await viewerToken({}, { key: randomBytes(32) })}` }, "TOKEN_INVALID"],
      [{ authorization: `Bearer ${await viewerToken({}, { expSeconds: -600 })}` }, ""],
    ];
    for (const [headers, code] of cases) {
      const res = await post("axinom", "challenge", headers);
      assert.equal(res.status, 401);
      const body = (await res.json()) as { error: { code: string; message: string } };
      if (code) assert.equal(body.error.code, code);
      else assert.match(body.error.code, /^TOKEN_/);
    }
    assert.equal(upstream.seen.length, 0);
  });

  it("403 when the token's KIDs are outside the policy binding", async () => {
    const token = await viewerToken({ kids: [KID_C] });
    const res = await post("axinom", "challenge", { authorization: `Bearer ${token}` });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as any).error.code, "NOT_ENTITLED");
    assert.equal(upstream.seen.length, 0);
  });

  it("400 for an empty challenge, 413 for one over maxChallengeBytes, 404 for an unknown vendor", async () => {
    const token = await viewerToken({});
    const empty = await post("axinom", new Uint8Array(0), { authorization: `Bearer ${token}` });
    assert.equal(empty.status, 400);
    assert.equal(((await empty.json()) as any).error.code, "CHALLENGE_MISSING");
    const big = await post("axinom", randomBytes(4097), { authorization: `Bearer ${token}` });
    assert.equal(big.status, 413);
    assert.equal(((await big.json()) as any).error.code, "CHALLENGE_TOO_LARGE");
    // A chunked upload (no Content-Length) is counted as it arrives and cut off at the same cap.
    const chunked = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(randomBytes(1024));
        c.close();
      },
    });
    const streamed = await fetch(`${srv.url}/license/axinom`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: chunked,
      duplex: "half",
    } as RequestInit);
    assert.equal(streamed.status, 413);
    assert.equal(((await streamed.json()) as any).error.code, "CHALLENGE_TOO_LARGE");
    const unknown = await post("nosuchvendor", "x");
    assert.equal(unknown.status, 404);
    assert.equal(upstream.seen.length, 0);
  });

  it("upstream timeout -> 504 UPSTREAM_TIMEOUT", async () => {
    upstream.behaviour = () => {
      /* never answers */
    };
    const res = await post("slow", "challenge");
    assert.equal(res.status, 504);
    assert.equal(((await res.json()) as any).error.code, "UPSTREAM_TIMEOUT");
  });

  it("upstream unreachable -> 502 UPSTREAM_UNAVAILABLE", async () => {
    const res = await post("unreachable", "challenge");
    assert.equal(res.status, 502);
    assert.equal(((await res.json()) as any).error.code, "UPSTREAM_UNAVAILABLE");
  });

  it("upstream redirect is not followed (the credential stays put) -> 502", async () => {
    upstream.behaviour = (_req, res) => {
      res.writeHead(307, { location: `${upstream.url}/elsewhere` });
      res.end();
    };
    const res = await post("ezdrm", "challenge");
    assert.equal(res.status, 502);
    assert.equal(upstream.seen.length, 1, "nothing was sent to the redirect target");
  });

  it("upstream 500 -> 502 with no credential, token or upstream body in the answer or in any log line", async () => {
    // a hostile/buggy upstream that echoes every credential it was given
    upstream.behaviour = (req, res) => {
      res.writeHead(500, {
        "content-type": "text/plain",
        "x-echo": String(
          req.headers["x-axdrm-message"] ?? req.headers["x-dt-auth-token"] ?? req.headers["x-ezdrm-auth"],
        ),
      });
      res.end(`internal error; you sent ${JSON.stringify(req.headers)}`);
    };
    lines.length = 0;
    const token = await viewerToken({ asset: "movie-42" });
    const secrets = [token, EZ_SECRET, COM_KEY_B64, DT_SECRET_HEX, Buffer.from(COM_KEY_B64, "base64").toString("hex")];
    for (const vendor of ["axinom", "drmtoday", "ezdrm"]) {
      const res = await post(vendor, "challenge", { authorization: `Bearer ${token}` });
      assert.equal(res.status, 502, vendor);
      const text = await res.text();
      const body = JSON.parse(text) as { error: { code: string; message: string } };
      assert.equal(body.error.code, "UPSTREAM_ERROR");
      assert.equal(res.headers.get("x-echo"), null);
      const sent = upstream.seen.at(-1)!.headers;
      const credential = String(sent["x-axdrm-message"] ?? sent["x-dt-auth-token"] ?? sent["x-ezdrm-auth"]);
      for (const s of [...secrets, credential]) {
        assert.ok(!text.includes(s), `${vendor}: error body leaks a secret`);
        for (const l of lines) assert.ok(!l.includes(s), `${vendor}: log line leaks a secret: ${l.slice(0, 120)}`);
      }
      assert.ok(!text.includes("internal error"), "upstream body not echoed");
    }
    assert.ok(
      lines.some((l) => l.includes("license_upstream_error") && l.includes('"upstreamStatus":500')),
      "the failure is logged",
    );
  });

  it("unresolvable credentials -> 500 LICENSE_CREDENTIALS_UNAVAILABLE without detail, nothing sent upstream", async () => {
    const res = await post("unconfigured", "challenge");
    assert.equal(res.status, 500);
    const body = (await res.json()) as any;
    assert.equal(body.error.code, "LICENSE_CREDENTIALS_UNAVAILABLE");
    assert.ok(!JSON.stringify(body).includes("NOT_PROVIDED"));
    assert.equal(upstream.seen.length, 0);
  });

  it("maxuses: a token limited to one use gets one license, then 403 TOKEN_USES_EXHAUSTED", async () => {
    const token = await viewerToken({ "urn:microsoft:azure:mediaservices:maxuses": "1" });
    const first = await post("axinom", "challenge", { authorization: `Bearer ${token}` });
    assert.equal(first.status, 200);
    await first.arrayBuffer();
    const second = await post("axinom", "challenge", { authorization: `Bearer ${token}` });
    assert.equal(second.status, 403);
    assert.equal(((await second.json()) as any).error.code, "TOKEN_USES_EXHAUSTED");
    assert.equal(upstream.seen.length, 1);
  });

  it("an upstream answer declared over 1 MiB -> 502 UPSTREAM_RESPONSE_TOO_LARGE", async () => {
    const huge = randomBytes(1024 * 1024 + 4096);
    upstream.behaviour = (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(huge.length) });
      res.end(huge);
    };
    const res = await post("ezdrm", "challenge");
    assert.equal(res.status, 502);
    assert.equal(((await res.json()) as any).error.code, "UPSTREAM_RESPONSE_TOO_LARGE");
  });

  it("a chunked upstream answer over 1 MiB is cut off mid-stream, never delivered whole", async () => {
    const huge = randomBytes(1024 * 1024 + 4096);
    upstream.behaviour = (_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      for (let i = 0; i < huge.length; i += 65536) res.write(huge.subarray(i, i + 65536));
      res.end();
    };
    const res = await post("ezdrm", "challenge");
    let received = -1;
    try {
      received = (await res.arrayBuffer()).byteLength;
    } catch {
      received = -1; // connection aborted mid-body: the expected outcome
    }
    assert.ok(received < huge.length, "the oversized answer must not arrive complete");
  });

  it("CORS: preflight from the configured player origin is allowed, others get 403", async () => {
    const ok = await fetch(`${srv.url}/license/axinom`, {
      method: "OPTIONS",
      headers: {
        origin: "https://player.example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
      },
    });
    assert.equal(ok.status, 204);
    assert.equal(ok.headers.get("access-control-allow-origin"), "https://player.example.com");
    const bad = await fetch(`${srv.url}/license/axinom`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    assert.equal(bad.status, 403);
    assert.equal(bad.headers.get("access-control-allow-origin"), null);
  });
});
