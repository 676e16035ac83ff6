/**
 * Who may get which token from POST /token. `Entitlements` is the pluggable hook (on AWS: any function you like);
 * `RulesEntitlements` is the rules-file implementation used locally:
 *
 *   { "auth": { "mode": "open" }                                  // LAB: anyone may call /token
 *          | { "mode": "clientSecret", "header": "x-keyplane-client-secret",
 *              "secretSha256": ["<hex SHA-256 of a client secret>"], "secretEnv": "TOKEN_CLIENT_SECRET" },
 *     "rules": [{ "subjects": ["*" | "<viewer id>"], "kids": ["*" | "<KID>"], "contentIds": ["*" | "<id>"],
 *                 "maxUses": 5, "lifetimeSeconds": 600, "claims": { "tier": "gold" } }] }
 *
 * The first rule matching the subject and covering every requested KID and the content id wins. A request naming no
 * KIDs asks for an unbound token (it opens every key its policy allows) and needs a rule with `"kids": ["*"]` and no
 * content scope: tokens are bound to KIDs, never to a content id.
 *
 * Content scope: a rule listing content ids (not `"*"`) matches only a request that names one of them, and then only
 * KIDs that the content key registry holds for that content id (SPEKE recorded them when it served them); it never
 * issues an unbound token. A rule without `contentIds` matches only requests that name no content id; `["*"]` matches
 * both.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import * as z from "../zod";
import { KeyplaneError } from "../errors";
import { parseKid } from "../keys/kid";
import { formatIssues } from "../validation";

export interface EntitlementRequest {
  subject: string;
  kids: Buffer[];
  contentId?: string;
  tokenType: "Jwt" | "Swt";
  maxUses?: number;
  lifetimeSeconds?: number;
  /** Request headers (client authentication). */
  header(name: string): string | undefined;
  /**
   * The content id the content key registry holds for a KID (key delivery passes its registry). Without it,
   * content-scoped rules match no request.
   */
  contentIdOf?(kid: Buffer): Promise<string | undefined>;
}

export interface Entitlement {
  subject: string;
  /** KIDs the token is bound to (may be empty: an unbound token). */
  kids: Buffer[];
  contentId?: string;
  maxUses?: number;
  lifetimeSeconds?: number;
  claims?: Record<string, string | number | boolean>;
}

export interface Entitlements {
  /** The entitlement, or undefined when the subject is not entitled (403). Throw 401 for a bad client credential. */
  decide(request: EntitlementRequest): Promise<Entitlement | undefined>;
}

const kidOrStar = z.string().check(
  z.refine<string>((s) => {
    if (s === "*") return true;
    try {
      parseKid(s);
      return true;
    } catch {
      return false;
    }
  }, "must be * or a KID (UUID, 32 hex digits or 22 base64url characters)"),
);

export const entitlementRulesSchema = z.object({
  /** Who may call /token: `{ mode: "open" }` (lab only) or `{ mode: "clientSecret", ... }` (your backend). */
  auth: z.discriminatedUnion("mode", [
    z.object({
      /** `open`: anyone may call /token (the lab only). */
      mode: z.literal("open"),
    }),
    z.object({
      /** `clientSecret`: callers send a client secret in `header`; a missing or wrong one is 401. */
      mode: z.literal("clientSecret"),
      /** The request header carrying the client secret (letters, digits, -). Default `x-keyplane-client-secret`. */
      header: z._default(z.string().check(z.regex(/^[A-Za-z0-9-]+$/)), "x-keyplane-client-secret"),
      /** Accepted client secrets as hex SHA-256 digests (64 hex digits). Default `[]`; this or secretEnv is needed. */
      secretSha256: z._default(
        z.array(z.string().check(z.regex(/^[0-9a-fA-F]{64}$/, "must be a hex SHA-256 digest"))),
        [],
      ),
      /** Name of an env var holding accepted client secrets in clear, comma-separated (added to secretSha256). */
      secretEnv: z.optional(z.string().check(z.minLength(1))),
    }),
  ]),
  /** The rules, at most 10,000; the first matching the subject, every requested KID and the content id wins. */
  rules: z
    .array(
      z.object({
        /** Viewer ids (the /token `subject`) the rule applies to, at least one; `*` matches any subject. */
        subjects: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
        /** KIDs (UUID, 32 hex digits or 22 base64url) it covers; `*`: any, and unbound tokens. Default `[]`: none. */
        kids: z._default(z.array(kidOrStar), []),
        /** Content ids it is scoped to (only KIDs the registry holds for them); `*`: any. Default `[]`: none named. */
        contentIds: z._default(z.array(z.string().check(z.minLength(1))), []),
        /** The tokens' `maxuses` (1–1,000,000), or fewer if the caller asks. Absent: what the caller asks. */
        maxUses: z.optional(z.number().check(z.int(), z.positive(), z.maximum(1_000_000))),
        /** Token lifetime (seconds, positive), or less if the caller asks. Absent: the caller's, else the default. */
        lifetimeSeconds: z.optional(z.number().check(z.int(), z.positive())),
        /** Extra claims written into the tokens this rule issues (string, number or boolean values). */
        claims: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
      }),
    )
    .check(z.maxLength(10_000)),
});
export type EntitlementRules = z.infer<typeof entitlementRulesSchema>;
export type EntitlementRulesInput = z.input<typeof entitlementRulesSchema>;

/** LAB ONLY: open /token, any subject, every KID and content id. */
export const LAB_ENTITLEMENT_RULES: EntitlementRulesInput = {
  auth: { mode: "open" },
  rules: [{ subjects: ["*"], kids: ["*"], contentIds: ["*"] }],
};

export function parseEntitlementRules(input: unknown, source = "entitlement rules"): EntitlementRules {
  const r = entitlementRulesSchema.safeParse(input);
  if (!r.success)
    throw new KeyplaneError("ENTITLEMENTS_INVALID", `Invalid ${source}: ${formatIssues(r.error)}`, {
      status: 500,
      expose: false,
    });
  return r.data;
}

export function loadEntitlementRules(path: string): EntitlementRules {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new KeyplaneError(
      "ENTITLEMENTS_INVALID",
      `Cannot read entitlement rules ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      { status: 500, expose: false },
    );
  }
  return parseEntitlementRules(json, path);
}

const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest();

interface CompiledRule {
  anySubject: boolean;
  subjects: Set<string>;
  anyKid: boolean;
  kids: Set<string>;
  anyContent: boolean;
  contentIds: Set<string>;
  maxUses?: number;
  lifetimeSeconds?: number;
  claims?: Record<string, string | number | boolean>;
}

export class RulesEntitlements implements Entitlements {
  private readonly rules: CompiledRule[];
  private readonly secretDigests: Buffer[];
  private readonly authHeader: string | undefined;

  constructor(rules: EntitlementRules, env: Record<string, string | undefined> = process.env) {
    this.rules = rules.rules.map((r) => ({
      anySubject: r.subjects.includes("*"),
      subjects: new Set(r.subjects),
      anyKid: r.kids.includes("*"),
      kids: new Set(r.kids.filter((k) => k !== "*").map((k) => parseKid(k).toString("hex"))),
      anyContent: r.contentIds.includes("*"),
      contentIds: new Set(r.contentIds),
      ...(r.maxUses !== undefined ? { maxUses: r.maxUses } : {}),
      ...(r.lifetimeSeconds !== undefined ? { lifetimeSeconds: r.lifetimeSeconds } : {}),
      ...(r.claims ? { claims: r.claims } : {}),
    }));
    if (rules.auth.mode === "clientSecret") {
      this.authHeader = rules.auth.header;
      this.secretDigests = rules.auth.secretSha256.map((h) => Buffer.from(h, "hex"));
      const fromEnv = rules.auth.secretEnv ? env[rules.auth.secretEnv] : undefined;
      if (fromEnv) for (const s of fromEnv.split(",")) if (s) this.secretDigests.push(sha256(s));
      if (this.secretDigests.length === 0) {
        throw new KeyplaneError(
          "ENTITLEMENTS_INVALID",
          "clientSecret auth needs secretSha256 entries or a set secretEnv",
          { status: 500, expose: false },
        );
      }
    } else {
      this.secretDigests = [];
    }
  }

  static fromFile(path: string, env?: Record<string, string | undefined>): RulesEntitlements {
    return new RulesEntitlements(loadEntitlementRules(path), env);
  }

  async decide(req: EntitlementRequest): Promise<Entitlement | undefined> {
    if (this.authHeader !== undefined) {
      const given = req.header(this.authHeader);
      // Compare SHA-256 digests in constant time: equal length, no early exit on content, every digest checked.
      const d = given ? sha256(given) : undefined;
      let ok = false;
      for (const s of this.secretDigests) if (d && timingSafeEqual(d, s)) ok = true;
      if (!ok)
        throw new KeyplaneError("CLIENT_UNAUTHORIZED", `A valid ${this.authHeader} header is required`, {
          status: 401,
        });
    }
    const wantKids = req.kids.map((k) => k.toString("hex"));
    let registered: Promise<boolean> | undefined;
    for (const r of this.rules) {
      if (!r.anySubject && !r.subjects.has(req.subject)) continue;
      // A token names the KIDs it opens; a token naming none opens every key, so only a rule that says so (`"kids":
      // ["*"]`) may issue one.
      if (wantKids.length === 0 && !r.anyKid) continue;
      if (!wantKids.every((k) => r.anyKid || r.kids.has(k))) continue;
      if (!r.anyContent) {
        if (r.contentIds.size === 0) {
          if (req.contentId !== undefined) continue;
        } else {
          // Content-scoped: the request names one of the rule's content ids and only KIDs SPEKE served for it.
          if (req.contentId === undefined || !r.contentIds.has(req.contentId)) continue;
          if (wantKids.length === 0) continue;
          registered ??= kidsServedFor(req);
          if (!(await registered)) continue;
        }
      }
      let maxUses = req.maxUses ?? r.maxUses;
      if (maxUses !== undefined && r.maxUses !== undefined) maxUses = Math.min(maxUses, r.maxUses);
      let lifetime = req.lifetimeSeconds ?? r.lifetimeSeconds;
      if (lifetime !== undefined && r.lifetimeSeconds !== undefined) lifetime = Math.min(lifetime, r.lifetimeSeconds);
      return {
        subject: req.subject,
        kids: req.kids,
        ...(req.contentId !== undefined ? { contentId: req.contentId } : {}),
        ...(maxUses !== undefined ? { maxUses } : {}),
        ...(lifetime !== undefined ? { lifetimeSeconds: lifetime } : {}),
        ...(r.claims ? { claims: r.claims } : {}),
      };
    }
    return undefined;
  }
}

/** True when the registry holds every requested KID for the request's content id. */
async function kidsServedFor(req: EntitlementRequest): Promise<boolean> {
  if (!req.contentIdOf || req.contentId === undefined) return false;
  const found = await Promise.all(req.kids.map((k) => req.contentIdOf!(k)));
  return found.every((c) => c === req.contentId);
}

/** Entitles nobody: /token answers 403 (the default outside lab mode when no rules file is configured). */
export const denyAllEntitlements: Entitlements = { decide: async () => undefined };
