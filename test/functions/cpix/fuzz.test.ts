/**
 * Property and fuzz tests (fast-check) on the CPIX parser through the SPEKE entry point: random and mutated
 * documents never produce a 500 or an exception, answers stay bounded in size, and generated valid requests always
 * succeed with deterministic, schema-valid answers.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { handleSpeke } from "../../../functions/speke/handler";
import {
  FAIRPLAY_CHILDREN,
  PLAYREADY_CHILDREN,
  SYS,
  WIDEVINE_CHILDREN,
  config,
  contentKeys,
  kidN,
  parseXml,
  plainKey,
  testContext,
  v2Request,
  xsdErrors,
} from "../../support/speke";
import { SPEKE_REQUESTS_DIR, itShared, SHARED_DIR } from "../../support/shared";

const DIR = SPEKE_REQUESTS_DIR;
const SAMPLES = SHARED_DIR ? readdirSync(DIR).map((f) => readFileSync(`${DIR}/${f}`, "utf8")) : [];
const ctx = testContext();
const cfg = config();
const ALLOWED = new Set([200, 400, 413, 422]);

async function answer(body: string | Uint8Array, spekeVersion?: string) {
  const r = await handleSpeke(spekeVersion === undefined ? { body } : { body, spekeVersion }, ctx, cfg);
  assert.ok(ALLOWED.has(r.status), `status ${r.status}: ${r.body.slice(0, 200)}`);
  // bounded output: a response never grows beyond a fixed multiple of the (capped) input
  const inLen = typeof body === "string" ? body.length : body.byteLength;
  assert.ok(r.body.length <= 64 * inLen + 4096, `response of ${r.body.length} chars for ${inLen} input`);
  return r;
}

const XML_TOKENS = [
  "<",
  ">",
  "/",
  "=",
  '"',
  "'",
  "&",
  ";",
  "<!--",
  "-->",
  "<![CDATA[",
  "]]>",
  "<?xml",
  "?>",
  "cpix:",
  'xmlns:cpix="urn:dashif:org:cpix"',
  "<cpix:CPIX",
  "</cpix:CPIX>",
  '<cpix:ContentKey kid="',
  "0f083e4e-b831-4a3d-917e-ce78076e54aa",
  "systemId=",
  "&amp;",
  "&#0;",
  "&#x10FFFF;",
  "\u0000",
  "\uFFFE",
  "é",
  " ",
];

describe("CPIX parser fuzzing", () => {
  it("never answers 500 to random text", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 400 }), fc.constantFrom(undefined, "2.0", "2.1", "9"), async (s, v) => {
        await answer(s, v);
      }),
      { numRuns: 300 },
    );
  });

  it("never answers 500 to random XML-ish token soup", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...XML_TOKENS), { maxLength: 80 }), async (toks) => {
        await answer(toks.join(""), "2.0");
      }),
      { numRuns: 300 },
    );
  });

  it("never answers 500 to random bytes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (b) => {
        await answer(b, "2.0");
      }),
      { numRuns: 200 },
    );
  });

  itShared("never answers 500 to mutated conformance samples", async () => {
    const mutation = fc.record({
      sample: fc.nat({ max: SAMPLES.length - 1 }),
      at: fc.nat(),
      del: fc.nat({ max: 40 }),
      insert: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...XML_TOKENS)),
      version: fc.constantFrom(undefined, "2.0", "2.1"),
    });
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const s = SAMPLES[m.sample]!;
        const at = m.at % (s.length + 1);
        await answer(s.slice(0, at) + m.insert + s.slice(at + m.del), m.version);
      }),
      { numRuns: 500 },
    );
  });

  itShared("never answers 500 when attribute values are replaced with arbitrary text", async () => {
    const base = SAMPLES.find((s) => s.includes("test_case_generic"))!;
    const attrs = [...base.matchAll(/="([^"]*)"/g)].map((m) => m[1]!);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: attrs.length - 1 }), fc.string({ maxLength: 60 }), async (i, v) => {
        const esc = v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
        await answer(base.replace(`="${attrs[i]}"`, `="${esc}"`), "2.0");
      }),
      { numRuns: 300 },
    );
  });

  itShared("answers generated valid requests with 200 and the same keys twice; schema-valid", async () => {
    const SCHEMES = ["cenc", "cbcs"] as const;
    const req = fc.record({
      n: fc.integer({ min: 1, max: 8 }),
      start: fc.nat({ max: 1_000_000 }),
      scheme: fc.constantFrom(...SCHEMES),
      wv: fc.boolean(),
      pr: fc.boolean(),
      fp: fc.boolean(),
      ck: fc.boolean(),
    });
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(req, async (r) => {
        const systems = [
          ...(r.wv ? [{ systemId: SYS.widevine, children: WIDEVINE_CHILDREN }] : []),
          ...(r.pr ? [{ systemId: SYS.playready, children: PLAYREADY_CHILDREN }] : []),
          ...(r.fp && r.scheme === "cbcs" ? [{ systemId: SYS.fairplay, children: FAIRPLAY_CHILDREN }] : []),
          ...(r.ck ? [{ systemId: SYS.clearKey, children: WIDEVINE_CHILDREN }] : []),
        ];
        if (systems.length === 0) systems.push({ systemId: SYS.widevine, children: WIDEVINE_CHILDREN });
        const keys = Array.from({ length: r.n }, (_, i) => ({
          kid: kidN(r.start + i),
          scheme: r.scheme,
          trackType: i % 2 ? "AUDIO" : "VIDEO",
        }));
        const body = v2Request({ keys, systems });
        const a = await answer(body, "2.0");
        const b = await answer(body, "2.0");
        assert.equal(a.status, 200, a.body);
        assert.deepEqual(contentKeys(parseXml(a.body)).map(plainKey), contentKeys(parseXml(b.body)).map(plainKey));
        if (checked++ < 15) assert.equal(xsdErrors(a.body), "");
      }),
      { numRuns: 60 },
    );
  });
});
