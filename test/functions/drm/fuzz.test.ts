import assert from "node:assert/strict";
import { describe, it } from "mocha";
import fc from "fast-check";
import { parsePlayReadyObject, parseWrmHeader, playReadyObject, wrmHeader } from "../../../functions/drm/playready";
import { buildPssh, parsePssh, parsePsshList } from "../../../functions/drm/pssh";
import { widevinePsshData } from "../../../functions/drm/widevine";
import { decodeWidevinePsshData } from "../../../functions/drm/widevine-decode";
import { isKeyplaneError } from "../../../functions/errors";

/** Parsers face request bytes: they either succeed or throw a KeyplaneError (a 4xx), never anything else. */
function onlyKeyplaneErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    assert.ok(isKeyplaneError(e), `non-Keyplane error: ${String(e)}`);
  }
}

const kid = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((u) => Buffer.from(u));

describe("drm parsers under random input (fast-check)", () => {
  it("parsePssh / parsePsshList: random bytes give a box or PSSH_INVALID", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (u) => {
        onlyKeyplaneErrors(() => parsePssh(u));
        onlyKeyplaneErrors(() => parsePsshList(u));
      }),
      { numRuns: 500 },
    );
  });

  it("parsePssh: mutated valid boxes never crash", () => {
    fc.assert(
      fc.property(
        fc.array(kid, { maxLength: 4 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.nat(200),
        fc.integer({ min: 0, max: 255 }),
        (kids, data, pos, byte) => {
          const b = buildPssh({
            version: 1,
            systemId: "9a04f079-9840-4286-ab92-e65be0885f95",
            kids,
            data: Buffer.from(data),
          });
          b[pos % b.length] = byte;
          onlyKeyplaneErrors(() => parsePssh(b));
        },
      ),
      { numRuns: 500 },
    );
  });

  it("buildPssh -> parsePssh round-trips any fields", () => {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(kid, { maxLength: 5 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.uuid(),
        (v1, kids, data, sid) => {
          const box = { version: (v1 ? 1 : 0) as 0 | 1, systemId: sid, kids: v1 ? kids : [], data: Buffer.from(data) };
          assert.deepEqual(parsePssh(buildPssh(box)), box);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("Widevine data: random bytes decode or give WIDEVINE_PSSH_INVALID; any built message round-trips", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (u) => onlyKeyplaneErrors(() => decodeWidevinePsshData(u))),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.array(kid, { minLength: 1, maxLength: 6 }),
        fc.option(fc.string(), { nil: undefined }),
        fc.constantFrom("cenc", "cbcs", "cens", "cbc1" as const),
        (kids, provider, scheme) => {
          const d = decodeWidevinePsshData(
            widevinePsshData({ kids, protectionScheme: scheme, ...(provider === undefined ? {} : { provider }) }),
          );
          assert.deepEqual(d.kids, kids);
          assert.equal(d.protectionScheme, scheme);
          assert.equal(d.provider, provider);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("PlayReady Object and WRMHEADER: random input gives a result or a KeyplaneError; built headers round-trip", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (u) => onlyKeyplaneErrors(() => parsePlayReadyObject(u))),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => onlyKeyplaneErrors(() => parseWrmHeader(s))),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.array(kid, { minLength: 1, maxLength: 7 }),
        fc.string({ maxLength: 60 }).map((q) => `https://license.example/pr?${q}`),
        (kids, laUrl) => {
          const xml = wrmHeader({
            version: "4.2.0.0",
            keys: kids.map((k) => ({ kid: k, algid: "AESCTR" as const })),
            laUrl,
          });
          const h = parseWrmHeader(parsePlayReadyObject(playReadyObject(xml)).wrmHeader!);
          assert.deepEqual(
            h.kids.map((k) => k.kid),
            kids,
          );
          assert.equal(h.laUrl, laUrl);
        },
      ),
      { numRuns: 200 },
    );
  });
});
