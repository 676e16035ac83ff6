/**
 * Where the project's shared reference material lives (`shared/` beside the repository: DOMAIN.md, SPEKE conformance
 * requests, CPIX XSDs). CI clones the repository into a fresh folder with a copy of `shared/` beside it.
 * `KEYPLANE_SHARED_DIR` overrides.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

const REPO_ROOT = resolve(__dirname, "..", "..");

function findShared(): string {
  const candidates = [process.env.KEYPLANE_SHARED_DIR, resolve(REPO_ROOT, "..", "shared"), "/work/shared"].filter((p): p is string => !!p);
  for (const c of candidates) if (existsSync(join(c, "conformance"))) return c;
  throw new Error(`shared/ not found (looked in ${candidates.join(", ")}); set KEYPLANE_SHARED_DIR`);
}

export const SHARED_DIR = findShared();
export const CONFORMANCE_DIR = join(SHARED_DIR, "conformance");
export const SPEKE_REQUESTS_DIR = join(CONFORMANCE_DIR, "speke-requests");
export const CPIX_XSD = join(CONFORMANCE_DIR, "cpix-xsd", "cpix.xsd");
