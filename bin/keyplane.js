#!/usr/bin/env node
/*
 * Keyplane command line. `keyplane package [input] [outdir] [options]` packages and protects a stream (lab/package.ts);
 * `keyplane review --stack <name> [...]` reviews the Pulumi project in the working directory offline (review/run.ts).
 */

const { existsSync } = require("node:fs");
const { join } = require("node:path");

// Installed from the package, this file is dist/bin/keyplane.js and the compiled JS sits beside it (plain node, no tsx).
// In a checkout it is bin/keyplane.js: it runs the TypeScript sources with tsx and the `keyplane-source` export
// condition (package.json `exports`), re-running itself once with that condition when it is not set.
const ROOT = join(__dirname, "..");
const COMPILED = existsSync(join(ROOT, "functions", "index.js"));
if (!COMPILED) {
  const flags = `${process.execArgv.join(" ")} ${process.env.NODE_OPTIONS ?? ""}`;
  if (!/(^|\s)(--conditions|-C)[= ]keyplane-source(\s|$)/.test(flags)) {
    const r = require("node:child_process").spawnSync(
      process.execPath,
      [...process.execArgv, "--conditions=keyplane-source", __filename, ...process.argv.slice(2)],
      { stdio: "inherit" },
    );
    process.exit(r.status ?? 1);
  }
  require("tsx/cjs");
}
/** Loads a module of the package by its path from the package root (`lab/package`), compiled or from source. */
const load = (mod) => require(join(ROOT, mod));
const available = (mod) => !COMPILED || existsSync(join(ROOT, `${mod}.js`));

const [cmd, ...rest] = process.argv.slice(2);
const HELP = `Usage: keyplane <command>

Commands:
  package [input] [outdir] [options]   DASH (cenc), HLS fMP4 (cbcs) and HLS TS (AES-128) with Shaka Packager +
                                       ffmpeg, keys from a running key server (see \`keyplane package --help\`; in a checkout only)
  review --stack <name> [options]      offline content-protection review of the Pulumi project in this folder:
                                       its Pulumi.yaml, Pulumi.<name>.yaml and program on Pulumi's mock runtime;
                                       Markdown, JSON and SARIF reports (see \`keyplane review --help\`)
  help                                 this text`;

if (cmd === "package") {
  if (!available("lab/package")) {
    process.stderr.write(
      'keyplane: "package" is the local lab\'s packager; run it from a checkout of the Keyplane repository (npm run package)\n',
    );
    process.exitCode = 2;
  } else {
    load("lab/package")
      .main(rest)
      .then((code) => {
        process.exitCode = code;
      });
  }
} else if (cmd === "review") {
  const review = load("review");
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(review.USAGE + "\n");
  } else {
    review.main(rest, process.cwd()).then((code) => {
      process.exitCode = code;
    });
  }
} else if (cmd === undefined || cmd === "help" || cmd === "-h" || cmd === "--help") {
  process.stdout.write(HELP + "\n");
} else {
  process.stderr.write(`keyplane: unknown command "${cmd}"\n\n${HELP}\n`);
  process.exitCode = 2;
}
