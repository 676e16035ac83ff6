/**
 * `npm run build` (also run by `prepack`, so `npm pack` / `npm publish` always ship a fresh build): the published
 * package in `dist/`.
 * 1. `tsc -p tsconfig.build.json`: CommonJS JS + .d.ts for the code behind package.json's `exports`.
 * 2. Every `functions/runtimes/entries/*.ts` bundled with `bundleFunction` (the same function, hence the same esbuild
 *    options, the components use when bundling from source) into `dist/bundles/<name>.js`; the compiled
 *    components/shared/bundle.js reads them instead of running esbuild.
 * 3. `bin/keyplane.js` copied to `dist/bin/keyplane.js` (plain JS; dispatches to the compiled code next to it).
 * Prints the time and sizes.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { bundleFunction, PREBUILT_DIR, REPO_ROOT } from "../components/shared/bundle";

const ENTRIES_DIR = "functions/runtimes/entries";

function dirSize(dir: string): { files: number; bytes: number } {
  let files = 0,
    bytes = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const s = dirSize(p);
      files += s.files;
      bytes += s.bytes;
    } else {
      files++;
      bytes += statSync(p).size;
    }
  }
  return { files, bytes };
}

export function build(root = REPO_ROOT): void {
  const t0 = Date.now();
  const dist = join(root, "dist");
  rmSync(dist, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")], {
    cwd: root,
    stdio: "inherit",
  });
  const t1 = Date.now();

  const out = join(dist, PREBUILT_DIR);
  mkdirSync(out, { recursive: true });
  const entries = readdirSync(join(root, ENTRIES_DIR))
    .filter((f) => f.endsWith(".ts"))
    .sort();
  const sizes: string[] = [];
  for (const f of entries) {
    const b = bundleFunction(`${ENTRIES_DIR}/${f}`);
    const name = f.replace(/\.ts$/, ".js");
    writeFileSync(join(out, name), b.code);
    sizes.push(`${name} ${(b.sizeBytes / 1024).toFixed(0)} KiB`);
  }
  const t2 = Date.now();

  mkdirSync(join(dist, "bin"), { recursive: true });
  copyFileSync(join(root, "bin", "keyplane.js"), join(dist, "bin", "keyplane.js"));
  chmodSync(join(dist, "bin", "keyplane.js"), 0o755);

  const s = dirSize(dist);
  process.stdout.write(
    `build: tsc ${((t1 - t0) / 1000).toFixed(1)} s, bundles ${((t2 - t1) / 1000).toFixed(1)} s (${sizes.join(", ")}); ` +
      `${relative(root, dist)}/ ${s.files} files, ${(s.bytes / 1024).toFixed(0)} KiB\n`,
  );
}

if (require.main === module) build();
