/**
 * The lab's security findings (issue 14, items 5-7) over real loopback HTTP against `startLab`:
 * - 5: only loopback and configured `Host` names are answered (DNS rebinding); anything else, or no `Host`, is 421.
 * - 6: every lab response carries Content-Security-Policy, X-Content-Type-Options, X-Frame-Options, Referrer-Policy.
 * - 7: `/media` does not follow symlinks out of the media directory.
 * Requests go through node:http with an explicit `Host` header (fetch does not let a caller set it) or, for requests
 * without one, a raw socket.
 *
 * Independent sources of the expected values: RFC 9110 §7.2 (Host = uri-host [":" port]; §15.5.20 421 Misdirected
 * Request), RFC 6761 §6.3 (`localhost` and names under it are loopback), RFC 1122 §3.2.1.3 (127.0.0.0/8 is loopback),
 * RFC 4291 §2.5.3 (`::1`), RFC 9112 §3.2 (a client MUST send Host in HTTP/1.1), and the header values the issue asks
 * for (CSP Level 3 directive names, `nosniff` per the Fetch standard, `no-referrer` per Referrer Policy).
 */
import assert from "node:assert/strict";
import { promises as fs, readFileSync } from "node:fs";
import { request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startLab, type RunningLab } from "../../../lab/server";
import { createApp } from "../../../functions/app";
import { parseKeyplaneConfig } from "../../../functions/config";
import { staticContext } from "../../../functions/context";
import { KeySeed } from "../../../functions/keys/seed";
import { createLogger, silentLogger } from "../../../functions/log";
import { lambdaHandler } from "../../../functions/runtimes/lambda";
import {
  ALLOWED_HOSTS_ENV,
  bindAddressHost,
  hostName,
  isAllowedHost,
  isLoopbackHost,
  parseAllowedHosts,
} from "../../../lab/web/guard";
import { SPEKE_REQUESTS_DIR, itShared, SHARED_DIR } from "../../support/shared";
import { MICROSOFT_TEST_SEED_B64 } from "../../support/seed";

// Microsoft's published PlayReady test key seed.
const SEED = KeySeed.fromBase64(MICROSOFT_TEST_SEED_B64);
const quietLogger = () => createLogger({ sink: () => undefined });

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request to the lab on 127.0.0.1 with the given Host header (the socket goes to loopback whatever it says). */
function get(
  lab: RunningLab,
  path: string,
  host: string,
  init: { method?: string; body?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port: lab.port,
        path,
        method: init.method ?? "GET",
        headers: { ...init.headers, Host: host },
        setHost: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on("error", reject);
    req.end(init.body);
  });
}

/** A raw request (no Host header at all, which node:http's client always adds). */
function raw(lab: RunningLab, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(lab.port, "127.0.0.1", () => s.end(text));
    let out = "";
    s.on("data", (d: Buffer) => {
      out += d.toString();
    });
    s.on("end", () => resolve(out));
    s.on("error", reject);
  });
}

function assertRefused(r: Answer, what: string): void {
  assert.equal(r.status, 421, `${what}: ${r.status} ${r.body.slice(0, 200)}`);
  assert.match(String(r.headers["content-type"]), /^application\/json/, what);
  const body = JSON.parse(r.body) as { error: { code: string; message: string } };
  assert.equal(body.error.code, "HOST_NOT_ALLOWED", what);
  assert.equal(typeof body.error.message, "string");
}

/** A public SPEKE v2.0 conformance request (AWS's SPEKE v2 samples, as in test/functions/runtimes/lab.test.ts). */
const SPEKE_V2 = !SHARED_DIR
  ? ""
  : readFileSync(
      join(SPEKE_REQUESTS_DIR, "v2-vod_1_generic_spekev2_dash_widevine_preset_video_1_audio_1_no_rotation.xml"),
      "utf8",
    );
const SPEKE_HEADERS = { "X-Speke-Version": "2.0", "Content-Type": "application/xml" };

describe("lab security (issue 14: host allow-list, page headers, media root)", function () {
  this.timeout(30_000);
  let dir: string;
  let lab: RunningLab;

  before(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), "kp-lab-sec-"));
    lab = await startLab({
      port: 0,
      seed: SEED,
      dataDir: join(dir, ".keyplane"),
      demoMedia: false,
      config: {},
      logger: quietLogger(),
    });
    await fs.mkdir(join(lab.mediaDir, "dash"), { recursive: true });
    await fs.writeFile(join(lab.mediaDir, "dash", "manifest.mpd"), "<MPD/>");
    await fs.writeFile(join(dir, "outside.txt"), "outside the media dir");
    await fs.mkdir(join(dir, "outside-dir"));
    await fs.writeFile(join(dir, "outside-dir", "x.mpd"), "outside the media dir");
    // links inside the media dir: to a file inside it, to a file outside, to a directory outside, and a relative escape
    await fs.symlink(join(lab.mediaDir, "dash", "manifest.mpd"), join(lab.mediaDir, "inside.mpd"));
    await fs.symlink(join(dir, "outside.txt"), join(lab.mediaDir, "leak.mpd"));
    await fs.symlink(join(dir, "outside-dir"), join(lab.mediaDir, "leakdir"));
    await fs.symlink("../../outside.txt", join(lab.mediaDir, "dash", "rel.mpd"));
  });
  after(async () => {
    await lab?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  describe("5. Host allow-list (DNS rebinding)", () => {
    itShared("answers 421 HOST_NOT_ALLOWED on every route for a foreign Host", async () => {
      const routes: [string, string, string?][] = [
        ["/speke", "POST", SPEKE_V2],
        ["/speke/heartbeat", "GET"],
        ["/token", "POST", JSON.stringify({ subject: "x", kids: [] })],
        ["/clearkey", "POST", JSON.stringify({ kids: ["bF9SBn2YSAiE2JTxMsHp_g"], type: "temporary" })],
        ["/hls/key/6c5f5206-7d98-4808-84d8-94f132c1e9fe", "GET"],
        ["/license/widevine", "POST", "x"],
        ["/", "GET"],
        ["/lab/app.js", "GET"],
        ["/vendor/shaka-player.compiled.js", "GET"],
        ["/media/dash/manifest.mpd", "GET"],
        ["/healthz", "GET"],
        ["/no-such-route", "GET"],
      ];
      for (const host of [
        "evil.example",
        `evil.example:${lab.port}`,
        "127.0.0.1.nip.io",
        "localhost.evil.example",
        "localhost.",
        "127.1",
        "0x7f.0.0.1",
        "[::2]",
      ]) {
        for (const [path, method, body] of routes) {
          assertRefused(
            await get(lab, path, host, {
              method,
              ...(body ? { body } : {}),
              headers: path === "/speke" ? SPEKE_HEADERS : {},
            }),
            `${method} ${path} Host: ${host}`,
          );
        }
      }
    });

    itShared("still answers the same routes to loopback Host names, with or without a port", async () => {
      for (const host of [
        `localhost:${lab.port}`,
        "localhost",
        `127.0.0.1:${lab.port}`,
        "127.0.0.1",
        "127.8.9.10",
        `[::1]:${lab.port}`,
        "[::1]",
        `LOCALHOST:${lab.port}`,
        `app.localhost:${lab.port}`,
      ]) {
        assert.equal((await get(lab, "/speke/heartbeat", host)).status, 200, host);
        assert.equal((await get(lab, "/", host)).status, 200, host);
        assert.equal((await get(lab, "/media/dash/manifest.mpd", host)).status, 200, host);
        const tok = await get(lab, "/token", host, {
          method: "POST",
          body: JSON.stringify({ subject: "x", kids: ["6c5f5206-7d98-4808-84d8-94f132c1e9fe"] }),
          headers: { "Content-Type": "application/json" },
        });
        assert.equal(tok.status, 200, `${host}: ${tok.body}`);
      }
      const speke = await get(lab, "/speke", `localhost:${lab.port}`, {
        method: "POST",
        body: SPEKE_V2,
        headers: SPEKE_HEADERS,
      });
      assert.equal(speke.status, 200, speke.body);
      assert.match(speke.body, /ContentKey/);
    });

    it("does not echo the refused host", async () => {
      const r = await get(lab, "/", "rebind-marker.example");
      assertRefused(r, "rebind-marker.example");
      assert.doesNotMatch(r.body, /rebind-marker/);
      // a Host that is not even a URL authority: @hono/node-server answers 400 before any route; never served, never echoed
      const weird = await get(lab, "/", "<script>alert(1)</script>.example");
      assert.ok(weird.status === 400 || weird.status === 421, String(weird.status));
      assert.doesNotMatch(weird.body, /script|alert|Keyplane lab/);
    });

    it("refuses a request without Host: 421 for HTTP/1.0, node's own 400 for HTTP/1.1 (RFC 9112 §3.2)", async () => {
      const r10 = await raw(lab, "GET /speke/heartbeat HTTP/1.0\r\n\r\n");
      assert.match(r10, /^HTTP\/1\.[01] 421 /);
      assert.match(r10, /HOST_NOT_ALLOWED/);
      const r10page = await raw(lab, "GET / HTTP/1.0\r\n\r\n");
      assert.match(r10page, /^HTTP\/1\.[01] 421 /);
      const r11 = await raw(lab, "GET /speke/heartbeat HTTP/1.1\r\nConnection: close\r\n\r\n");
      assert.match(r11, /^HTTP\/1\.1 (400|421) /);
      assert.ok(!/"ok":true|SPEKE/i.test(r11.split("\r\n\r\n").slice(1).join("")), r11);
    });

    it("answers configured host names (allowedHosts option) and nothing else", async () => {
      const other = await startLab({
        port: 0,
        seed: SEED,
        dataDir: join(dir, "b"),
        demoMedia: false,
        config: {},
        logger: quietLogger(),
        allowedHosts: ["devbox.test", ".lab.example.test", "192.0.2.7", "[2001:db8::7]"],
      });
      try {
        for (const host of [
          `devbox.test:${other.port}`,
          "DEVBOX.TEST",
          "lab.example.test",
          "a.b.lab.example.test:80",
          "192.0.2.7",
          "[2001:db8::7]:8787",
          `localhost:${other.port}`,
        ]) {
          assert.equal((await get(other, "/", host)).status, 200, host);
          assert.equal((await get(other, "/speke/heartbeat", host)).status, 200, host);
        }
        for (const host of [
          "sub.devbox.test",
          "devbox.test.evil.example",
          "evillab.example.test",
          "192.0.2.8",
          "[2001:db8::8]",
        ]) {
          assertRefused(await get(other, "/", host), host);
        }
        assert.deepEqual(other.allowedHosts, ["devbox.test", ".lab.example.test", "192.0.2.7", "[2001:db8::7]"]);
      } finally {
        await other.close();
      }
    });

    it(`reads configured host names from ${ALLOWED_HOSTS_ENV} and refuses bad entries at start`, async () => {
      const prev = process.env[ALLOWED_HOSTS_ENV];
      process.env[ALLOWED_HOSTS_ENV] = " devbox.test , ,.lab.example.test";
      try {
        const other = await startLab({
          port: 0,
          seed: SEED,
          dataDir: join(dir, "c"),
          demoMedia: false,
          config: {},
          logger: quietLogger(),
        });
        try {
          assert.equal((await get(other, "/", "devbox.test")).status, 200);
          assert.equal((await get(other, "/", "x.lab.example.test")).status, 200);
          assertRefused(await get(other, "/", "evil.example"), "evil.example");
        } finally {
          await other.close();
        }
        for (const bad of ["http://devbox.test", "devbox.test:8787", "*", "dev box", "::1"]) {
          process.env[ALLOWED_HOSTS_ENV] = bad;
          await assert.rejects(
            startLab({
              port: 0,
              seed: SEED,
              dataDir: join(dir, "d"),
              demoMedia: false,
              config: {},
              logger: quietLogger(),
            }),
            new RegExp(`${ALLOWED_HOSTS_ENV}: .* is not a host name`),
            bad,
          );
        }
      } finally {
        if (prev === undefined) delete process.env[ALLOWED_HOSTS_ENV];
        else process.env[ALLOWED_HOSTS_ENV] = prev;
      }
    });

    it("host parsing follows RFC 9110 §7.2 and the loopback rules (RFC 6761, RFC 1122, RFC 4291)", () => {
      assert.equal(hostName("LocalHost:8787"), "localhost");
      assert.equal(hostName("[::1]:8787"), "[::1]");
      assert.equal(hostName("127.0.0.1"), "127.0.0.1");
      for (const bad of [
        undefined,
        "",
        "a b",
        "host:",
        "host:99999",
        "[::1",
        "::1",
        "[zz::1]",
        "user@host",
        "host/path",
        "a..b",
        "-a.b",
        "localhost.",
      ]) {
        assert.equal(hostName(bad), undefined, String(bad));
      }
      for (const h of ["localhost", "a.localhost", "127.0.0.1", "127.255.255.254", "[::1]"])
        assert.ok(isLoopbackHost(h), h);
      for (const h of [
        "localhost.example",
        "128.0.0.1",
        "127.0.0.256",
        "127.0.0.01",
        "[::2]",
        "[::ffff:127.0.0.1]",
        "0.0.0.0",
      ])
        assert.ok(!isLoopbackHost(h), h);
      assert.ok(isAllowedHost("a.b.example", [".b.example"]));
      assert.ok(!isAllowedHost("ab.example", [".b.example"]));
      assert.deepEqual(parseAllowedHosts(["  Dev.Test ", "", "[2001:DB8::1]"]), ["dev.test", "[2001:db8::1]"]);
      // a lab bound to a specific address (or the wildcard one) answers to that literal: its own URL
      assert.equal(bindAddressHost("0.0.0.0"), "0.0.0.0");
      assert.equal(bindAddressHost("192.0.2.7"), "192.0.2.7");
      assert.equal(bindAddressHost("fd00::1"), "[fd00::1]");
      assert.equal(bindAddressHost("MyBox.lan"), "mybox.lan");
    });

    it("is lab-only: the Lambda app (createApp without the guard) answers the API Gateway host", async () => {
      const app = createApp(staticContext(SEED, { logger: silentLogger }), parseKeyplaneConfig({}), {
        areas: ["speke"],
      });
      const handler = lambdaHandler(app) as unknown as (e: unknown, c: unknown) => Promise<{ statusCode: number }>;
      const host = "abc123.execute-api.eu-west-1.amazonaws.com";
      const r = await handler(
        {
          version: "2.0",
          routeKey: "GET /speke/heartbeat",
          rawPath: "/speke/heartbeat",
          rawQueryString: "",
          headers: { host },
          requestContext: {
            http: {
              method: "GET",
              path: "/speke/heartbeat",
              protocol: "HTTP/1.1",
              sourceIp: "198.51.100.7",
              userAgent: "t",
            },
            requestId: "t",
            stage: "$default",
            domainName: host,
            accountId: "123456789012",
            apiId: "abc123",
          },
          isBase64Encoded: false,
        },
        {},
      );
      assert.equal(r.statusCode, 200);
    });
  });

  describe("6. security headers", () => {
    const CSP_DIRECTIVES = [
      "default-src 'self'",
      "script-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      "media-src 'self' blob:",
      "connect-src 'self'",
    ];

    function assertSecurityHeaders(r: Answer, what: string): void {
      const csp = String(r.headers["content-security-policy"] ?? "");
      const directives = csp.split(";").map((d) => d.trim());
      for (const d of CSP_DIRECTIVES) assert.ok(directives.includes(d), `${what}: CSP lacks "${d}": ${csp}`);
      assert.ok(!/unsafe-inline|unsafe-eval|\*/.test(csp), `${what}: ${csp}`);
      assert.equal(r.headers["x-content-type-options"], "nosniff", what);
      assert.equal(r.headers["referrer-policy"], "no-referrer", what);
      assert.equal(r.headers["x-frame-options"], "DENY", what);
    }

    it("sends them on the demo page, its assets, Shaka Player and the media", async () => {
      const host = `127.0.0.1:${lab.port}`;
      const page = await get(lab, "/", host);
      assert.equal(page.status, 200);
      assert.match(String(page.headers["content-type"]), /^text\/html/);
      assertSecurityHeaders(page, "/");
      for (const p of [
        "/lab/app.js",
        "/lab/style.css",
        "/vendor/shaka-player.compiled.js",
        "/media/dash/manifest.mpd",
      ]) {
        const r = await get(lab, p, host);
        assert.equal(r.status, 200, p);
        assertSecurityHeaders(r, p);
      }
    });

    it("sends them on API answers, errors and the 421 too", async () => {
      const host = `localhost:${lab.port}`;
      assertSecurityHeaders(await get(lab, "/speke/heartbeat", host), "heartbeat");
      assertSecurityHeaders(await get(lab, "/token", host, { method: "POST", body: "{}" }), "token error");
      assertSecurityHeaders(await get(lab, "/nope", host), "404");
      assertSecurityHeaders(await get(lab, "/media/nope.mpd", host), "media 404");
      assertSecurityHeaders(await get(lab, "/", "evil.example"), "421");
    });

    it("the page has no inline script or style (script-src/style-src 'self' would block them)", async () => {
      const html = (await get(lab, "/", "localhost")).body;
      assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/i);
      assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i);
    });
  });

  describe("7. /media stays inside the media directory", () => {
    const host = "localhost";

    it("follows a symlink to a file inside the media directory", async () => {
      const r = await get(lab, "/media/inside.mpd", host);
      assert.equal(r.status, 200);
      assert.equal(r.body, "<MPD/>");
      assert.equal(r.headers["content-type"], "application/dash+xml");
    });

    it("answers 404, without a path, for symlinks that lead out of it", async () => {
      for (const p of ["/media/leak.mpd", "/media/leakdir/x.mpd", "/media/dash/rel.mpd"]) {
        const r = await get(lab, p, host);
        assert.equal(r.status, 404, `${p}: ${r.body}`);
        assert.doesNotMatch(r.body, /outside the media dir/);
        assert.ok(!r.body.includes(dir), `${p} reveals a path: ${r.body}`);
        assert.equal((JSON.parse(r.body) as { error: { code: string } }).error.code, "NOT_FOUND");
      }
    });

    it("still refuses .. traversal and its encoded forms", async () => {
      for (const p of [
        "/media/../outside.txt",
        "/media/%2e%2e/outside.txt",
        "/media/dash/%2e%2e%2f%2e%2e%2foutside.txt",
        "/media/%2e%2e%2f.keyplane%2fkey-seed",
        "/media/dash%5c..%5c..%5coutside.txt",
        "/media/%00.mpd",
      ]) {
        const r = await get(lab, p, host);
        assert.equal(r.status, 404, `${p} -> ${r.status}`);
        assert.doesNotMatch(r.body, /outside the media dir/);
      }
    });
  });
});
