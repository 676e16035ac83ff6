/**
 * End to end on one machine: the lab server (real SPEKE, token service, key delivery) packages a generated clip with
 * Shaka Packager (DASH cenc, HLS fMP4 cbcs) and ffmpeg (HLS MPEG-TS AES-128), then Debian's Chromium (playwright-core,
 * real time) plays each with Shaka Player through /clearkey and /hls/key; ffmpeg plays both HLS renditions with an
 * Authorization header. Proves: playback with a token, 401 without one, and a decode failure when the keys come from a
 * server with another seed (the media really is encrypted). The page shows the exchange (SPEKE summary, token claims
 * without the signature, each license/key request with status and time).
 */
import { runCommand } from "../support/process";
import assert from "node:assert/strict";
import { promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { startLab, type RunningLab } from "../../lab/server";
import { KeySeed } from "../../functions/keys/seed";
import type { PackageResult } from "../../lab/package";
import { ensureDemoMedia } from "../../lab/demo-media";

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--autoplay-policy=no-user-gesture-required",
];

interface LabState {
  /** what a person sees on the page */
  shown?: {
    keys: string;
    errors: string;
    frames: string;
    state: string;
    requests: string;
    claims: string;
    exchange: string;
    cbcs: string;
  };
  /** the page's Content-Security-Policy header and every violation Chromium reported against it */
  csp?: { header: string | undefined; violations: string[] };
  stream: string | null;
  hasToken: boolean;
  keyStatuses: Record<string, string>;
  errors: { code: number | string | null; message: string }[];
  licenseStatuses: number[];
  frames: number;
  state: string;
  mediaError?: number;
  requests: { kind: string; path: string; status: number | null; ms: number | null; at: string }[];
  claims: { type: string; header: Record<string, unknown> | null; claims: Record<string, unknown> } | null;
  cbcsSupported: boolean | null;
}

async function token(url: string, kids: string[]): Promise<string> {
  const r = await fetch(`${url}/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ subject: "demo", kids }),
  });
  assert.equal(r.status, 200);
  return ((await r.json()) as { token: string }).token;
}

describe("lab end to end (Chromium + Shaka Player, ffmpeg)", function () {
  this.timeout(120_000);
  let dir: string;
  let lab: RunningLab;
  let other: RunningLab;
  let browser: Browser;
  let packaged: PackageResult;

  before(async function () {
    this.timeout(120_000);
    dir = await fs.mkdtemp(join(tmpdir(), "keyplane-e2e-"));
    lab = await startLab({
      port: 0,
      seed: KeySeed.generate(),
      dataDir: join(dir, "a"),
      quiet: true,
      demoMedia: true,
      config: {},
    });
    packaged = JSON.parse(await fs.readFile(join(lab.mediaDir, "keyplane.json"), "utf8")) as PackageResult;
    // the same packaged media served by a lab whose key seed differs: its keys are wrong for this media
    other = await startLab({
      port: 0,
      seed: KeySeed.generate(),
      dataDir: join(dir, "b"),
      quiet: true,
      demoMedia: false,
      config: {},
    });
    await fs.cp(lab.mediaDir, other.mediaDir, { recursive: true });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  });

  after(async () => {
    await browser?.close();
    await lab?.close();
    await other?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  async function play(base: string, query: string, done: (s: LabState) => boolean, maxMs = 30_000): Promise<LabState> {
    const page = await browser.newPage();
    const violations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    try {
      const response = await page.goto(`${base}/?${query}`);
      const t0 = Date.now();
      let s: LabState;
      for (;;) {
        await page.waitForTimeout(500);
        s = await page.evaluate(
          () => JSON.parse(JSON.stringify((window as unknown as { keyplaneLab: unknown }).keyplaneLab)) as LabState,
        );
        if (done(s) || Date.now() - t0 > maxMs) break;
      }
      if (s.state === "error") {
        // let any late frames show up before judging
        await page.waitForTimeout(1500);
        s = await page.evaluate(
          () => JSON.parse(JSON.stringify((window as unknown as { keyplaneLab: unknown }).keyplaneLab)) as LabState,
        );
      }
      // (no named functions inside evaluate: tsx would wrap them in a helper the page does not have)
      s.shown = (await page.evaluate(() =>
        Object.fromEntries(
          ["keys", "errors", "frames", "state", "requests", "claims", "exchange", "cbcs"].map((id) => [
            id,
            document.getElementById(id)!.textContent ?? "",
          ]),
        ),
      )) as LabState["shown"];
      s.csp = { header: response?.headers()["content-security-policy"], violations };
      return s;
    } finally {
      await page.close();
    }
  }

  const finished = (s: LabState) => s.frames >= 100 || s.state === "error";

  const dashKids = () => [packaged.kids.video, packaged.kids.audio!];
  const cbcsKids = () => [packaged.kids.cbcsVideo, packaged.kids.cbcsAudio!];
  const hex = (k: string) => k.replace(/-/g, "");

  for (const stream of ["dash", "hls-cbcs", "hls"] as const) {
    it(`${stream}: plays at least 100 decoded frames with keys obtained under a token`, async () => {
      const s = await play(lab.url, `play=${stream}`, finished);
      assert.deepEqual(s.errors, []);
      assert.ok(s.frames >= 100, `decoded ${s.frames} frames`);
      assert.equal(s.hasToken, true);
      assert.ok(
        s.licenseStatuses.length > 0 && s.licenseStatuses.every((x) => x === 200),
        `key requests: ${s.licenseStatuses}`,
      );
      if (stream !== "hls") {
        // ClearKey EME: the key ids are the packager's default_KIDs (tenc), i.e. the KIDs SPEKE returned
        const ids = Object.keys(s.keyStatuses).sort();
        assert.deepEqual(ids, (stream === "dash" ? dashKids() : cbcsKids()).map(hex).sort());
        assert.ok(
          Object.values(s.keyStatuses).every((v) => v === "usable"),
          JSON.stringify(s.keyStatuses),
        );
        assert.match(
          s.shown!.keys,
          new RegExp(`${hex(stream === "dash" ? packaged.kids.video : packaged.kids.cbcsVideo)}: usable`),
        );
      }
      if (stream === "hls-cbcs") assert.equal(s.cbcsSupported, true, s.shown!.cbcs);
      // the page shows each license/key request with its status and time, and the token's claims without its signature
      assert.ok(
        s.requests.length > 0 && s.requests.every((r) => r.status === 200 && /^\d\d:\d\d:\d\d\.\d{3}$/.test(r.at)),
        JSON.stringify(s.requests),
      );
      const path = stream === "dash" ? /\/clearkey/ : /\/hls\/key\//;
      assert.ok(s.requests.some((r) => path.test(r.path)) || stream === "hls-cbcs", JSON.stringify(s.requests));
      assert.match(s.shown!.requests, /HTTP 200/);
      assert.equal(s.claims?.type, "JWT");
      assert.equal(s.claims?.claims.sub, "demo");
      assert.match(s.shown!.claims, /sub/);
      assert.doesNotMatch(s.shown!.claims, /[A-Za-z0-9_-]{30,}\.[A-Za-z0-9_-]{30,}/, "no token text on the page");
      // the SPEKE exchange summary: KIDs, DRM systems, track types; no key material
      for (const kid of [...dashKids(), ...cbcsKids(), packaged.kids.hls])
        assert.ok(s.shown!.exchange.includes(kid), `exchange shows ${kid}`);
      for (const w of [
        "PRESET-VIDEO-1",
        "VIDEO",
        "AUDIO",
        "Widevine",
        "PlayReady",
        "FairPlay",
        "Clear Key AES-128",
        "cbcs",
        "cenc",
      ])
        assert.ok(s.shown!.exchange.includes(w), w);
      assert.equal(s.shown!.state, "playing");
      assert.equal(s.shown!.errors, "");
      // the lab's CSP is in force and Shaka Player (MSE blob: URLs, EME, fetch) plays within it
      assert.match(s.csp!.header ?? "", /script-src 'self'/);
      assert.deepEqual(s.csp!.violations, []);
    });

    it(`${stream}: without a token the key request gets 401 and no frame is decoded`, async () => {
      const s = await play(lab.url, `play=${stream}&token=0`, (x) => x.state === "error");
      assert.equal(s.state, "error");
      assert.ok(s.licenseStatuses.includes(401), `statuses ${s.licenseStatuses}, errors ${JSON.stringify(s.errors)}`);
      assert.equal(s.frames, 0);
      assert.match(s.shown!.errors, /HTTP 401/, "the page shows the refusal");
      assert.match(s.shown!.requests, /HTTP 401/);
    });

    it(`${stream}: keys from a server with another seed fail to decode (the media is really encrypted)`, async () => {
      const s = await play(other.url, `play=${stream}`, (x) => x.state === "error", 30_000);
      assert.equal(s.state, "error", `expected a playback error, got ${s.frames} frames`);
      assert.ok(s.licenseStatuses.includes(200), `the other server did not hand out keys: ${JSON.stringify(s)}`);
      assert.equal(s.frames, 0);
      if (stream !== "hls") {
        // Chromium's ClearKey CDM decrypts with the wrong key and the decoder rejects the result
        assert.ok(
          s.errors.some((e) => e.code === "MEDIA_ERR_3" || e.code === 3016),
          JSON.stringify(s.errors),
        );
        assert.ok(
          s.errors.some((e) => /DECODE/.test(e.message)),
          JSON.stringify(s.errors),
        );
      } else {
        // AES-128-CBC with the wrong key: WebCrypto's PKCS#7 padding check fails on the first segment
        assert.ok(
          s.errors.some((e) => /OperationError/.test(e.message)),
          JSON.stringify(s.errors),
        );
      }
    });
  }

  it("ensureDemoMedia reuses media already packaged against the same key server", async () => {
    const logs: string[] = [];
    const again = await ensureDemoMedia({ keyServerUrl: lab.url, mediaDir: lab.mediaDir, log: (m) => logs.push(m) });
    assert.deepEqual(again, {
      dash: packaged.dash,
      hlsCbcs: packaged.hlsCbcs,
      hls: packaged.hls,
      kids: [
        packaged.kids.video,
        packaged.kids.audio,
        packaged.kids.cbcsVideo,
        packaged.kids.cbcsAudio,
        packaged.kids.hls,
      ],
    });
    assert.match(logs.join("\n"), /already packaged/);
  });

  function ffmpegFrames(url: string, headers?: string) {
    const args = ["-hide_banner", "-nostdin", "-loglevel", "error"];
    if (headers) args.push("-headers", headers);
    args.push("-i", url, "-map", "0:v:0", "-f", "framemd5", "-");
    return runCommand("ffmpeg", args).then((r) => {
      const lines = r.stdout.split("\n").filter((l) => /^0,/.test(l));
      return { ...r, frames: lines.length, md5s: lines.map((l) => l.split(",").pop()!.trim()) };
    });
  }

  for (const [name, path, kids] of [
    ["AES-128 (MPEG-TS)", () => packaged.hls, () => [packaged.kids.hls]],
    ["cbcs (fMP4, SAMPLE-AES identity)", () => packaged.hlsCbcs, cbcsKids],
  ] as const) {
    it(`hls ${name}: ffmpeg plays it with -headers "Authorization: Bearer ..."`, async () => {
      const t = await token(lab.url, kids());
      const r = await ffmpegFrames(`${lab.url}/media/${path()}`, `Authorization: Bearer ${t}\r\n`);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.frames >= 100, `ffmpeg decoded ${r.frames} frames`);
      assert.equal(r.frames, 8 * 24, "every frame of the generated 8 s, 24 fps clip");
    });
  }

  it("hls cbcs: ffmpeg without the header gets 401 for the key; what it decodes is not the picture", async () => {
    const t = await token(lab.url, cbcsKids());
    const good = await ffmpegFrames(`${lab.url}/media/${packaged.hlsCbcs}`, `Authorization: Bearer ${t}\r\n`);
    const r = await ffmpegFrames(`${lab.url}/media/${packaged.hlsCbcs}`);
    assert.match(r.stderr, /Unable to open key file/);
    // ffmpeg's fMP4 path carries on without the key and hands the still-encrypted samples to the decoder
    assert.match(r.stderr, /error while decoding|Invalid|concealing|decode_slice/i);
    const same = r.md5s.filter((m, i) => m === good.md5s[i]).length;
    assert.ok(same < good.md5s.length / 10, `${same} of ${good.md5s.length} frames match the decrypted picture`);
  });

  it("hls: ffmpeg without the header gets 401 for the key and decodes nothing", async () => {
    const r = await ffmpegFrames(`${lab.url}/media/${packaged.hls}`);
    assert.equal(r.frames, 0, r.stderr);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Unable to open key file/);
    const playlist = await (await fetch(`${lab.url}/media/hls/stream.m3u8`)).text();
    const keyUri = /#EXT-X-KEY:.*URI="([^"]+)"/.exec(playlist)?.[1];
    assert.ok(keyUri);
    assert.equal((await fetch(keyUri)).status, 401);
  });
});
