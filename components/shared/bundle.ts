/**
 * Bundles a function entry (a file under `functions/`) into one CommonJS file for AWS Lambda with esbuild.
 *
 * Choices:
 * - platform node, target node20, format cjs, minified, no source map: the Lambda runtime loads
 *   `index.js` and calls the exported `handler`.
 * - Every dependency is bundled, including `@aws-sdk/*` v3. The Node.js 20/22 Lambda runtimes ship an SDK v3, but its
 *   version moves under us; bundling pins the exact version we tested (the cost is a larger archive, measured in the
 *   tests and in docs/performance.md, "Bundle sizes"). Pass `external: ["@aws-sdk/*"]` to use the runtime's copy
 *   instead.
 * - The result is cached per process and per (entry, options) so one `pulumi up` bundles each entry once.
 * - The published package ships every `functions/runtimes/entries/<name>.ts` prebuilt by `npm run build` (scripts/build.ts,
 *   which calls this function) as `dist/bundles/<name>.js`. Running from that compiled package, an entry with default
 *   options is read from there, byte for byte what esbuild produces from source, so a consumer needs no esbuild at deploy
 *   time. From source (this repository) esbuild always bundles. esbuild is a devDependency, loaded only when needed.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { KeyplaneError } from "../../functions/errors";

/** The repository root (components/shared/ is two levels below it). */
export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface BundleOptions {
  /** Module ids left out of the bundle (e.g. `["@aws-sdk/*"]` to use the Lambda runtime's SDK). */
  external?: string[];
  /** Extra `define` replacements. */
  define?: Record<string, string>;
  /** Another checkout of this repository to bundle from, with its own node_modules (bench/ab.ts compares commits). */
  root?: string;
}

export interface Bundle {
  /** The bundled CommonJS source. */
  code: string;
  /** Its size in bytes (UTF-8). */
  sizeBytes: number;
  /** SHA-256 of the code, base64 (a stable fingerprint for logs and tests). */
  sha256: string;
}

const cache = new Map<string, Bundle>();

/** Where `npm run build` writes the prebuilt entries, relative to the package's compiled `dist/` folder. */
export const PREBUILT_DIR = "bundles";
const ENTRY_RE = /^functions\/runtimes\/entries\/([a-z0-9-]+)\.ts$/;

/**
 * The prebuilt bundle for `entry`, when this module runs compiled from the package (`dist/components/shared/bundle.js`)
 * and the entry is one of `functions/runtimes/entries/*.ts` asked for with default options; otherwise undefined.
 */
export function prebuiltBundlePath(
  entry: string,
  opts: BundleOptions = {},
  dir = __dirname,
  file = __filename,
): string | undefined {
  if (!file.endsWith(".js") || opts.root || opts.external?.length || (opts.define && Object.keys(opts.define).length))
    return undefined;
  const m = ENTRY_RE.exec(entry.split(path.sep).join("/"));
  if (!m) return undefined;
  const candidate = path.resolve(dir, "..", "..", PREBUILT_DIR, `${m[1]}.js`);
  return existsSync(candidate) ? candidate : undefined;
}

function toBundle(code: string): Bundle {
  return {
    code,
    sizeBytes: Buffer.byteLength(code, "utf8"),
    sha256: createHash("sha256").update(code).digest("base64"),
  };
}

type Esbuild = typeof import("esbuild");
function loadEsbuild(entry: string): Esbuild {
  try {
    return require("esbuild") as Esbuild;
  } catch (e) {
    throw new KeyplaneError(
      "BUNDLE_FAILED",
      `Could not bundle ${entry}: esbuild is not installed (it is needed only to bundle from source; the published package ships functions/runtimes/entries/* prebuilt)`,
      { status: 500, cause: e },
    );
  }
}

/** Resolves an entry path relative to the repository root, or `root` (absolute paths are kept). */
export function resolveEntry(entry: string, root = REPO_ROOT): string {
  return path.isAbsolute(entry) ? entry : path.resolve(root, entry);
}

/**
 * Bundles `entry` (e.g. `functions/runtimes/entries/speke.ts`) and returns the code. Throws `BUNDLE_FAILED` with
 * esbuild's messages when the entry does not build.
 */
export function bundleFunction(entry: string, opts: BundleOptions = {}): Bundle {
  const root = opts.root ?? REPO_ROOT;
  const file = resolveEntry(entry, root);
  const key = JSON.stringify([file, opts.external ?? [], opts.define ?? {}]);
  const hit = cache.get(key);
  if (hit) return hit;
  const prebuilt = prebuiltBundlePath(entry, opts);
  if (prebuilt) {
    const bundle = toBundle(readFileSync(prebuilt, "utf8"));
    cache.set(key, bundle);
    return bundle;
  }
  const { buildSync } = loadEsbuild(entry);
  let out: ReturnType<typeof buildSync>;
  try {
    out = buildSync({
      entryPoints: [file],
      bundle: true,
      platform: "node",
      target: "node20",
      format: "cjs",
      minify: true,
      write: false,
      legalComments: "none",
      logLevel: "silent",
      // `@azure/functions-core` is the Azure Functions Node.js worker's own module (what `@azure/functions` registers
      // triggers with): it exists only inside the worker, so it is always left to the runtime.
      external: ["@azure/functions-core", ...(opts.external ?? [])],
      define: { "process.env.NODE_ENV": '"production"', ...(opts.define ?? {}) },
      absWorkingDir: root,
    });
  } catch (e) {
    const errors =
      (e as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors ?? [];
    const detail = errors
      .map((m) => (m.location ? `${m.location.file}:${m.location.line}: ${m.text}` : m.text))
      .join("; ");
    throw new KeyplaneError("BUNDLE_FAILED", `Could not bundle ${entry}: ${detail || (e as Error).message}`, {
      status: 500,
      cause: e,
    });
  }
  const file0 = out.outputFiles?.[0];
  if (!file0) throw new KeyplaneError("BUNDLE_FAILED", `esbuild produced no output for ${entry}`, { status: 500 });
  const bundle = toBundle(file0.text);
  cache.set(key, bundle);
  return bundle;
}
