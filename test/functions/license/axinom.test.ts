/**
 * Known answers from Axinom's public material:
 * - github.com/Axinom/public-test-vectors, TestVectors-v7-v8.md: the published `X-AxDRM-Message` for
 *   "v7-MultiDRM-MultiKey" and the KID table of that test vector. The communication key that signed it is NOT
 *   published, so its signature cannot be checked here; its header, envelope and KID list are.
 * - docs.axinom.com "How to sign a License Service Message": the sample communication key id and base64 key.
 */
import { strict as assert } from "node:assert";
import { jwtVerify, decodeProtectedHeader } from "jose";
import {
  AXINOM_HEADER,
  axinomCredential,
  axinomDate,
  buildAxinomMessage,
  decodeAxinomMessage,
  signAxinomMessage,
  verifyAxinomSignature,
} from "../../../functions/license/axinom";
import { kidFromUuid } from "../../../functions/keys/kid";
import { KeyplaneError } from "../../../functions/errors";

const PUBLISHED_V7_MULTIKEY =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ2ZXJzaW9uIjoxLCJjb21fa2V5X2lkIjoiYjMzNjRlYjUtNTFmNi00YWUzLThjOTgtMzNjZWQ1ZTMxYzc4IiwibWVzc2FnZSI6eyJ0eXBlIjoiZW50aXRsZW1lbnRfbWVzc2FnZSIsInZlcnNpb24iOjIsImxpY2Vuc2UiOnsiYWxsb3dfcGVyc2lzdGVuY2UiOnRydWV9LCJjb250ZW50X2tleXNfc291cmNlIjp7ImlubGluZSI6W3siaWQiOiI4MDM5OWJmNS04YTIxLTQwMTQtODA1My1lMjdlNzQ4ZTk4YzAiLCJlbmNyeXB0ZWRfa2V5IjoibGlOSnFWYVlrTmgrTUtjeEpGazdJZz09IiwidXNhZ2VfcG9saWN5IjoiUG9saWN5IEEifSx7ImlkIjoiOTA5NTNlMDktNmNiMi00OWEzLWEyNjAtN2E1ZmVmZWFkNDk5IiwiZW5jcnlwdGVkX2tleSI6ImtZdEhIdnJyZkNNZVZkSjZMa2Jrbmc9PSIsInVzYWdlX3BvbGljeSI6IlBvbGljeSBBIn0seyJpZCI6IjBlNGRhOTJiLWQwZTgtNGE2Ni04YzNmLWMyNWE5N2ViNjUzMiIsImVuY3J5cHRlZF9rZXkiOiI3dzdOWkhITE1nSjRtUUtFSzVMVE1RPT0iLCJ1c2FnZV9wb2xpY3kiOiJQb2xpY3kgQSJ9LHsiaWQiOiI1ODVmMjMzZi0zMDcyLTQ2ZjEtOWZhNC02ZGMyMmM2NmEwMTQiLCJlbmNyeXB0ZWRfa2V5IjoiQWM0VVVtWXRCSjVuUFE5TjE1cmMzZz09IiwidXNhZ2VfcG9saWN5IjoiUG9saWN5IEEifSx7ImlkIjoiNDIyMmJkNzgtYmM0NS00MWJmLWI2M2UtNmY4MTRkYzM5MWRmIiwiZW5jcnlwdGVkX2tleSI6Ik82Rk8wZnFTV29wcDdiamMvRDRsTUE9PSIsInVzYWdlX3BvbGljeSI6IlBvbGljeSBBIn1dfSwiY29udGVudF9rZXlfdXNhZ2VfcG9saWNpZXMiOlt7Im5hbWUiOiJQb2xpY3kgQSIsInBsYXlyZWFkeSI6eyJtaW5fZGV2aWNlX3NlY3VyaXR5X2xldmVsIjoxNTAsInBsYXlfZW5hYmxlcnMiOlsiNzg2NjI3RDgtQzJBNi00NEJFLThGODgtMDhBRTI1NUIwMUE3Il19fV19fQ.nMT-_Xor0ROh9sSAbDGu5nsMjrsCJ1W7FZGcr2xpqBY";
// The v7-MultiDRM-MultiKey KID table (TestVectors-v7-v8.md), in table order.
const PUBLISHED_V7_MULTIKEY_KIDS = [
  "80399bf5-8a21-4014-8053-e27e748e98c0",
  "90953e09-6cb2-49a3-a260-7a5fefead499",
  "0e4da92b-d0e8-4a66-8c3f-c25a97eb6532",
  "585f233f-3072-46f1-9fa4-6dc22c66a014",
  "4222bd78-bc45-41bf-b63e-6f814dc391df",
];
const DOC_COM_KEY_ID = "aa0151d7-081c-4699-a049-fc584556c9d2";
const DOC_COM_KEY = Buffer.from("RPSdG/fViTkTjcuG3fcRXL2JDchGThWQ/tfSNHAoG+A=", "base64");
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

describe("license/axinom: X-AxDRM-Message", () => {
  it("decodes Axinom's published test-vector message: envelope v1, entitlement_message v2, the published KIDs", () => {
    const d = decodeAxinomMessage(PUBLISHED_V7_MULTIKEY);
    assert.deepEqual(d.header, { alg: "HS256", typ: "JWT" });
    assert.equal(d.payload.version, 1);
    assert.equal(d.payload.com_key_id, "b3364eb5-51f6-4ae3-8c98-33ced5e31c78");
    const m = d.payload.message as Record<string, unknown>;
    assert.equal(m.type, "entitlement_message");
    assert.equal(m.version, 2);
    assert.deepEqual(d.kidIds, PUBLISHED_V7_MULTIKEY_KIDS);
  });

  it("writes the same header bytes and the same envelope/entitlement shape as Axinom's published message", async () => {
    const published = decodeAxinomMessage(PUBLISHED_V7_MULTIKEY);
    const ours = await signAxinomMessage(
      buildAxinomMessage({
        comKeyId: published.payload.com_key_id as string,
        kids: PUBLISHED_V7_MULTIKEY_KIDS.map(kidFromUuid),
        now: NOW,
        ttlSeconds: 60,
      }),
      DOC_COM_KEY,
    );
    assert.equal(ours.split(".")[0], PUBLISHED_V7_MULTIKEY.split(".")[0], "header segment is byte-identical");
    const d = decodeAxinomMessage(ours);
    assert.equal(d.payload.version, published.payload.version);
    assert.equal(d.payload.com_key_id, published.payload.com_key_id);
    const pm = published.payload.message as Record<string, unknown>;
    const om = d.payload.message as Record<string, unknown>;
    assert.equal(om.type, pm.type);
    assert.equal(om.version, pm.version);
    assert.deepEqual(d.kidIds, published.kidIds);
  });

  it("signs with the communication key BYTES: jose verifies with the decoded key, not with its base64 text", async () => {
    const hdr = await axinomCredential(
      {
        comKeyId: DOC_COM_KEY_ID,
        kids: [kidFromUuid("7459975d-b2f8-48ed-a325-56e4f34d19c7")],
        now: Date.now(),
        ttlSeconds: 60,
      },
      DOC_COM_KEY,
    );
    const jwt = hdr[AXINOM_HEADER]!;
    const { payload } = await jwtVerify(jwt, DOC_COM_KEY, { algorithms: ["HS256"] });
    assert.equal((payload as any).com_key_id, DOC_COM_KEY_ID);
    assert.deepEqual((payload as any).message.content_keys_source.inline, [
      { id: "7459975d-b2f8-48ed-a325-56e4f34d19c7" },
    ]);
    await assert.rejects(
      jwtVerify(jwt, Buffer.from("RPSdG/fViTkTjcuG3fcRXL2JDchGThWQ/tfSNHAoG+A="), { algorithms: ["HS256"] }),
    );
    assert.deepEqual(decodeProtectedHeader(jwt), { alg: "HS256", typ: "JWT" });
  });

  it("is short-lived: expiration_date = now + ttl, ISO 8601 UTC", () => {
    const m = buildAxinomMessage({
      comKeyId: DOC_COM_KEY_ID,
      kids: [kidFromUuid(PUBLISHED_V7_MULTIKEY_KIDS[0]!)],
      now: NOW,
      ttlSeconds: 45,
    });
    assert.equal(m.expiration_date, "2026-11-25T12:00:45Z");
    assert.equal(axinomDate(NOW + 999), "2026-11-25T12:00:00Z");
  });

  it("verifyAxinomSignature: accepts our message, refuses a tampered one, another key, and the published vector under the docs' sample key", async () => {
    const jwt = await signAxinomMessage(
      buildAxinomMessage({
        comKeyId: DOC_COM_KEY_ID,
        kids: [kidFromUuid(PUBLISHED_V7_MULTIKEY_KIDS[1]!)],
        now: NOW,
        ttlSeconds: 60,
      }),
      DOC_COM_KEY,
    );
    assert.equal(await verifyAxinomSignature(jwt, DOC_COM_KEY), true);
    const [h, p, s] = jwt.split(".") as [string, string, string];
    const tampered = `${h}.${Buffer.from(Buffer.from(p, "base64url").toString().replace("90953e09", "00000000")).toString("base64url")}.${s}`;
    assert.equal(await verifyAxinomSignature(tampered, DOC_COM_KEY), false);
    assert.equal(await verifyAxinomSignature(jwt, Buffer.alloc(32, 1)), false);
    assert.equal(await verifyAxinomSignature(PUBLISHED_V7_MULTIKEY, DOC_COM_KEY), false);
  });

  it("refuses an empty entitlement and a communication key that is not 32 bytes", async () => {
    assert.throws(
      () => buildAxinomMessage({ comKeyId: DOC_COM_KEY_ID, kids: [], now: NOW, ttlSeconds: 60 }),
      (e: unknown) => e instanceof KeyplaneError && e.status === 403,
    );
    const m = buildAxinomMessage({
      comKeyId: DOC_COM_KEY_ID,
      kids: [kidFromUuid(PUBLISHED_V7_MULTIKEY_KIDS[0]!)],
      now: NOW,
      ttlSeconds: 60,
    });
    await assert.rejects(
      signAxinomMessage(m, Buffer.alloc(16)),
      (e: unknown) => e instanceof KeyplaneError && e.code === "SECRET_INVALID",
    );
  });
});
