/**
 * The SPEKE core: a validated `SpekeRequest` + the key seed -> the `CpixResponse` model. Keys come only from
 * `seed.contentKey(kid)` (derived once per seed object and KID, see keys/seed.ts); with KID override on, the
 * overridden KID is used everywhere (ContentKey, DRMSystem, usage rules, PSSH, WRMHEADER, key URLs) and the key is
 * derived from it. Content keys are encrypted whenever the request carries DeliveryData.
 */
import type { KeySeed } from "../keys/seed";
import { kidToUuid } from "../keys/kid";
import { createContentKeyEncryptor, type ContentKeyEncryptor } from "../cpix/encryption";
import { badRequest } from "../cpix/errors";
import type { ContentKeyResponse, CpixResponse, DeliveryDataResponse, DrmSystemResponse, SpekeRequest } from "../cpix/model";
import type { SpekeConfig } from "./config";
import { deliveryCertificate } from "./delivery-certs";
import { overrideKid } from "./kid-override";
import { signalDrmSystemCached, type KeyContext } from "./signalling";

/** One content key of the response: what signalling needs, less the per-request fields. */
type KeyEntry = Omit<KeyContext, "contentId" | "v1">;

export function buildSpekeResponse(req: SpekeRequest, seed: KeySeed, config: SpekeConfig, now: Date): CpixResponse {
  const v1 = req.spekeVersion === "1.0";
  const override = config.kidOverride;
  const contentId = req.contentId ?? "";

  // Period index per KID (for Widevine crypto_period_index), from the usage rules' KeyPeriodFilters.
  const periodIndex = new Map<string, number>();
  if (req.periods.length > 0) {
    const byId = new Map<string, number>();
    for (const p of req.periods) if (p.id !== undefined && p.index !== undefined) byId.set(p.id, p.index);
    for (const r of req.usageRules) {
      for (const id of r.keyPeriodFilters) {
        const i = byId.get(id);
        if (i !== undefined && i <= 0xffffffff) periodIndex.set(r.kidHex, i);
      }
    }
  }

  const keys = new Map<string, KeyEntry>();
  for (const ck of req.contentKeys) {
    const h = ck.kidHex;
    const kid = override ? overrideKid(contentId, ck.kid) : ck.kid;
    const kidHex = override ? kid.toString("hex") : h;
    const e: KeyEntry = { kid, kidText: override ? kidToUuid(kid) : ck.kidText, kidHex, key: seed.contentKey(kid) };
    if (ck.commonEncryptionScheme !== undefined) e.scheme = ck.commonEncryptionScheme;
    if (ck.explicitIV !== undefined) e.explicitIV = Buffer.from(ck.explicitIV, "base64");
    const pi = periodIndex.get(h);
    if (pi !== undefined) e.cryptoPeriodIndex = pi;
    keys.set(h, e);
  }
  const entry = (kidHex: string): KeyEntry => keys.get(kidHex)!; // validate.ts guarantees presence

  let encryptor: ContentKeyEncryptor | undefined;
  const deliveryData: DeliveryDataResponse[] = [];
  if (req.deliveryData.length > 0) {
    if (req.deliveryData.length > 1) throw badRequest("Only one DeliveryData recipient is supported");
    const dd = req.deliveryData[0]!;
    const certificate = dd.certificate;
    encryptor = createContentKeyEncryptor(deliveryCertificate(certificate, now));
    deliveryData.push({
      certificate,
      ...(dd.id === undefined ? {} : { id: dd.id }),
      ...(dd.name === undefined ? {} : { name: dd.name }),
      encryptedDocumentKey: encryptor.encryptedDocumentKey.toString("base64"),
      encryptedMacKey: encryptor.encryptedMacKey.toString("base64"),
    });
  }

  const contentKeys: ContentKeyResponse[] = req.contentKeys.map((ck) => {
    const e = entry(ck.kidHex);
    const r: ContentKeyResponse = {
      kidText: e.kidText,
      value: encryptor
        ? (() => {
          const enc = encryptor.encryptKey(e.key);
          return { kind: "encrypted" as const, cipherValue: enc.cipherValue.toString("base64"), valueMac: enc.valueMac.toString("base64") };
        })()
        : { kind: "plain" as const, value: e.key.toString("base64") },
    };
    if (ck.id !== undefined) r.id = ck.id;
    if (ck.commonEncryptionScheme !== undefined) r.commonEncryptionScheme = ck.commonEncryptionScheme;
    if (ck.explicitIV !== undefined) r.explicitIV = ck.explicitIV;
    return r;
  });

  const drmSystems: DrmSystemResponse[] = req.drmSystems.map((d) => {
    const e = entry(d.kidHex);
    const k: KeyContext = { kid: e.kid, kidText: override ? e.kidText : d.kidText, kidHex: e.kidHex, key: e.key, v1 };
    if (e.scheme !== undefined) k.scheme = e.scheme;
    if (e.explicitIV !== undefined) k.explicitIV = e.explicitIV;
    if (e.cryptoPeriodIndex !== undefined) k.cryptoPeriodIndex = e.cryptoPeriodIndex;
    if (req.contentId !== undefined) k.contentId = req.contentId;
    const out = signalDrmSystemCached(d, k, config, seed);
    if (d.id !== undefined) out.id = d.id;
    if (d.name !== undefined) out.name = d.name;
    return out;
  });

  const usageRules = req.usageRules.map(({ kid: _kid, kidHex, ...rest }) => (override ? { ...rest, kidText: entry(kidHex).kidText } : rest));

  const res: CpixResponse = {
    spekeVersion: req.spekeVersion,
    deliveryData,
    contentKeys,
    drmSystems,
    periods: req.periods,
    usageRules,
    lists: { periods: req.lists.periods, usageRules: req.lists.usageRules },
  };
  if (v1 && req.id !== undefined) res.id = req.id;
  if (req.contentId !== undefined && !(v1 && req.contentId === req.id)) res.contentId = req.contentId;
  if (req.version !== undefined) res.version = req.version;
  return res;
}
