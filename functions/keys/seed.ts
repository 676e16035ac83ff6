/**
 * The key seed and Microsoft's PlayReady key-seed derivation: any KID maps to the same 16-byte content key on every
 * instance with no database. The seed never appears in logs, errors or `toString()`/`JSON.stringify` output.
 */
import { createHash, hash, randomBytes } from "node:crypto";
import { KeyplaneError } from "../errors";
import { assertKid, toLittleEndianGuid } from "./kid";

export const KEY_SEED_MIN_BYTES = 30;
const B64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const B64URL_RE = /^[A-Za-z0-9_-]+$/;

/**
 * Microsoft PlayReady key-seed derivation ("Key Seed" algorithm in the PlayReady Header / Server SDK docs):
 * seed = first 30 bytes; k = KID as little-endian GUID; A = SHA-256(seed‖k), B = SHA-256(seed‖k‖seed),
 * C = SHA-256(seed‖k‖seed‖k); key[i] = A[i]^A[i+16]^B[i]^B[i+16]^C[i]^C[i+16].
 * `kid` is big-endian UUID bytes (Keyplane's one KID form).
 */
export function deriveContentKey(seed: Uint8Array, kid: Uint8Array): Buffer {
  if (seed.length < KEY_SEED_MIN_BYTES)
    throw new KeyplaneError("KEY_SEED_INVALID", `Key seed must be at least ${KEY_SEED_MIN_BYTES} bytes`, {
      status: 500,
      expose: false,
    });
  const s = seed.subarray(0, KEY_SEED_MIN_BYTES);
  const k = toLittleEndianGuid(assertKid(kid));
  // seed‖k‖seed‖k once; A, B and C hash its three prefixes (one-shot `hash` skips a Hash object per digest).
  const sk = Buffer.allocUnsafe(2 * (KEY_SEED_MIN_BYTES + 16));
  sk.set(s, 0);
  sk.set(k, KEY_SEED_MIN_BYTES);
  sk.set(s, KEY_SEED_MIN_BYTES + 16);
  sk.set(k, 2 * KEY_SEED_MIN_BYTES + 16);
  const a = hash("sha256", sk.subarray(0, KEY_SEED_MIN_BYTES + 16), "buffer");
  const b = hash("sha256", sk.subarray(0, 2 * KEY_SEED_MIN_BYTES + 16), "buffer");
  const c = hash("sha256", sk, "buffer");
  const key = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) key[i] = a[i]! ^ a[i + 16]! ^ b[i]! ^ b[i + 16]! ^ c[i]! ^ c[i + 16]!;
  return key;
}

const SEED = Symbol("seed");
const DERIVED = Symbol("derived");

/**
 * Derived content keys remembered per seed object: a content key is a pure function of (seed, KID) and packagers and
 * players ask for the same KIDs on every request of a stream, so the three SHA-256 run once per KID. Bounded (cleared
 * when full), private to the seed object (a rotated seed starts empty), handed out as copies. No added exposure: the
 * object already holds the seed, which derives every one of these keys.
 */
const DERIVED_KEYS_MAX = 4096;

/** A validated key seed. Holds the bytes privately; prints as `[KeySeed redacted]`. */
export class KeySeed {
  private readonly [SEED]: Buffer;
  private readonly [DERIVED] = new Map<string, Buffer>();

  private constructor(bytes: Buffer) {
    this[SEED] = bytes;
  }

  /** Parses base64 (standard or url-safe) text; refuses anything shorter than 30 decoded bytes or not base64. */
  static fromBase64(text: string): KeySeed {
    if (typeof text !== "string") throw seedError("the key seed must be a base64 string");
    const t = text.trim();
    if (t.length === 0) throw seedError("the key seed is empty");
    if (/^[0-9a-fA-F]+$/.test(t) && t.length < 40) {
      throw seedError(
        `the key seed looks like ${t.length / 2} bytes of hex; a key seed is base64 of at least ${KEY_SEED_MIN_BYTES} bytes`,
      );
    }
    if (!B64_RE.test(t) && !B64URL_RE.test(t)) throw seedError("the key seed is not valid base64");
    const bytes = Buffer.from(t, B64_RE.test(t) ? "base64" : "base64url");
    if (bytes.length < KEY_SEED_MIN_BYTES) {
      throw seedError(`the key seed decodes to ${bytes.length} bytes; at least ${KEY_SEED_MIN_BYTES} are required`);
    }
    return new KeySeed(bytes);
  }

  static fromBytes(bytes: Uint8Array): KeySeed {
    if (!(bytes instanceof Uint8Array) || bytes.length < KEY_SEED_MIN_BYTES) {
      throw seedError(`the key seed must be at least ${KEY_SEED_MIN_BYTES} bytes`);
    }
    return new KeySeed(Buffer.from(bytes));
  }

  /** A fresh random seed (30 bytes, the length PlayReady uses). */
  static generate(length = KEY_SEED_MIN_BYTES): KeySeed {
    return new KeySeed(randomBytes(Math.max(length, KEY_SEED_MIN_BYTES)));
  }

  /** The 16-byte content key for a KID (big-endian UUID bytes). */
  contentKey(kid: Uint8Array): Buffer {
    const id = Buffer.from(kid.buffer, kid.byteOffset, kid.byteLength).toString("hex");
    let key = this[DERIVED].get(id);
    if (key === undefined) {
      key = deriveContentKey(this[SEED], kid);
      if (this[DERIVED].size >= DERIVED_KEYS_MAX) this[DERIVED].clear();
      this[DERIVED].set(id, key);
    }
    return Buffer.from(key);
  }

  /** The base64 text, for writing to a 0600 file or a secret store only. */
  exportBase64(): string {
    return this[SEED].toString("base64");
  }

  /** A short, non-reversible fingerprint safe to log (first 8 hex of SHA-256). */
  fingerprint(): string {
    return createHash("sha256").update(this[SEED]).digest("hex").slice(0, 8);
  }

  toString(): string {
    return "[KeySeed redacted]";
  }

  toJSON(): string {
    return "[KeySeed redacted]";
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "[KeySeed redacted]";
  }
}

function seedError(reason: string): KeyplaneError {
  return new KeyplaneError("KEY_SEED_INVALID", `Invalid key seed: ${reason}`, { status: 500, expose: false });
}
