/**
 * The SPEKE core: a validated `SpekeRequest` + the key seed -> the `CpixResponse` model, in five named steps: the keys
 * (one entry per requested KID), the delivery data (content key encryption), the content keys, the DRM systems and the
 * usage rules. Keys come only from `seed.contentKey(kid)` (derived once per seed object and KID, see keys/seed.ts);
 * with KID override on, the overridden KID is used everywhere (ContentKey, DRMSystem, usage rules, PSSH, WRMHEADER, key
 * URLs) and the key is derived from it. Content keys are encrypted whenever the request carries DeliveryData.
 */
import type { KeySeed } from "../keys/seed";
import { kidToUuid } from "../keys/kid";
import { createContentKeyEncryptor, type ContentKeyEncryptor } from "../cpix/encryption";
import { badRequest } from "../cpix/errors";
import type {
  ContentKeyResponse,
  CpixResponse,
  DeliveryDataResponse,
  DrmSystemResponse,
  UsageRuleResponse,
} from "../cpix/model";
import type { SpekeConfig } from "./config";
import { deliveryCertificate } from "./delivery-certs";
import { overrideKid } from "./kid-override";
import type { SpekeRequest } from "./request";
import { signalDrmSystemCached, type KeyContext } from "./signalling";

/** One content key of the response: what signalling needs, less the per-request fields. */
type KeyEntry = Omit<KeyContext, "contentId" | "v1">;

/** Requested KID (32 hex digits) -> its entry; validate.ts guarantees an entry for every KID a request names. */
type Keys = ReadonlyMap<string, KeyEntry>;

export function buildSpekeResponse(req: SpekeRequest, seed: KeySeed, config: SpekeConfig, now: Date): CpixResponse {
  const v1 = req.spekeVersion === "1.0";
  const keys = resolveKeys(req, seed, config.kidOverride);
  const delivery = deliveryData(req, now);
  const res: CpixResponse = {
    spekeV1: v1,
    deliveryData: delivery.deliveryData,
    contentKeys: contentKeys(req, keys, delivery.encryptor),
    drmSystems: drmSystems(req, keys, config, seed),
    periods: req.periods,
    usageRules: usageRules(req, keys, config.kidOverride),
    lists: { periods: req.lists.periods, usageRules: req.lists.usageRules },
  };
  if (v1 && req.id !== undefined) res.id = req.id;
  if (req.contentId !== undefined && !(v1 && req.contentId === req.id)) res.contentId = req.contentId;
  if (req.version !== undefined) res.version = req.version;
  return res;
}

/** Step 1, the keys: each requested KID (overridden or not), its content key, scheme, IV and crypto period index. */
function resolveKeys(req: SpekeRequest, seed: KeySeed, override: boolean): Keys {
  const contentId = req.contentId ?? "";
  const periodIndex = periodIndexByKid(req);
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
  return keys;
}

/** Period index per KID (for Widevine crypto_period_index), from the usage rules' KeyPeriodFilters. */
function periodIndexByKid(req: SpekeRequest): Map<string, number> {
  const periodIndex = new Map<string, number>();
  if (req.periods.length === 0) return periodIndex;
  const byId = new Map<string, number>();
  for (const p of req.periods) if (p.id !== undefined && p.index !== undefined) byId.set(p.id, p.index);
  for (const r of req.usageRules) {
    for (const id of r.keyPeriodFilters) {
      const i = byId.get(id);
      if (i !== undefined && i <= 0xffffffff) periodIndex.set(r.kidHex, i);
    }
  }
  return periodIndex;
}

/** Step 2, the delivery data: with a recipient certificate, the document key encrypted to it and its encryptor. */
function deliveryData(
  req: SpekeRequest,
  now: Date,
): { deliveryData: DeliveryDataResponse[]; encryptor?: ContentKeyEncryptor } {
  if (req.deliveryData.length === 0) return { deliveryData: [] };
  if (req.deliveryData.length > 1) throw badRequest("Only one DeliveryData recipient is supported");
  const dd = req.deliveryData[0]!;
  const certificate = dd.certificate;
  const encryptor = createContentKeyEncryptor(deliveryCertificate(certificate, now));
  return {
    encryptor,
    deliveryData: [
      {
        certificate,
        ...(dd.id === undefined ? {} : { id: dd.id }),
        ...(dd.name === undefined ? {} : { name: dd.name }),
        encryptedDocumentKey: encryptor.encryptedDocumentKey.toString("base64"),
        encryptedMacKey: encryptor.encryptedMacKey.toString("base64"),
      },
    ],
  };
}

/** Step 3, the content keys: each key plain, or encrypted with the document key. */
function contentKeys(req: SpekeRequest, keys: Keys, encryptor: ContentKeyEncryptor | undefined): ContentKeyResponse[] {
  return req.contentKeys.map((ck) => {
    const e = keys.get(ck.kidHex)!;
    const r: ContentKeyResponse = {
      kidText: e.kidText,
      value: encryptor
        ? (() => {
            const enc = encryptor.encryptKey(e.key);
            return {
              kind: "encrypted" as const,
              cipherValue: enc.cipherValue.toString("base64"),
              valueMac: enc.valueMac.toString("base64"),
            };
          })()
        : { kind: "plain" as const, value: e.key.toString("base64") },
    };
    if (ck.id !== undefined) r.id = ck.id;
    if (ck.commonEncryptionScheme !== undefined) r.commonEncryptionScheme = ck.commonEncryptionScheme;
    if (ck.explicitIV !== undefined) r.explicitIV = ck.explicitIV;
    return r;
  });
}

/** Step 4, the DRM systems: the signalling each requested system asks for (signalling.ts). */
function drmSystems(req: SpekeRequest, keys: Keys, config: SpekeConfig, seed: KeySeed): DrmSystemResponse[] {
  const v1 = req.spekeVersion === "1.0";
  return req.drmSystems.map((d) => {
    const e = keys.get(d.kidHex)!;
    const k: KeyContext = {
      kid: e.kid,
      kidText: config.kidOverride ? e.kidText : d.kidText,
      kidHex: e.kidHex,
      key: e.key,
      v1,
    };
    if (e.scheme !== undefined) k.scheme = e.scheme;
    if (e.explicitIV !== undefined) k.explicitIV = e.explicitIV;
    if (e.cryptoPeriodIndex !== undefined) k.cryptoPeriodIndex = e.cryptoPeriodIndex;
    if (req.contentId !== undefined) k.contentId = req.contentId;
    const out = signalDrmSystemCached(d, k, config, seed);
    if (d.id !== undefined) out.id = d.id;
    if (d.name !== undefined) out.name = d.name;
    return out;
  });
}

/** Step 5, the usage rules: echoed, with the served KID's text under KID override. */
function usageRules(req: SpekeRequest, keys: Keys, override: boolean): UsageRuleResponse[] {
  return req.usageRules.map(({ kid: _kid, kidHex, ...rest }) =>
    override ? { ...rest, kidText: keys.get(kidHex)!.kidText } : rest,
  );
}
