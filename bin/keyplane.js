#!/usr/bin/env node
/*
 * Keyplane command line. `keyplane package [input] [outdir] [options]` packages and protects a stream (lab/package.ts);
 * `keyplane review --stack <name> [...]` reviews the Pulumi project in the working directory offline (review/run.ts).
 */
"use strict";
require("tsx/cjs");

const [cmd, ...rest] = process.argv.slice(2);
const HELP = `Usage: keyplane <command>

Commands:
  package [input] [outdir] [options]   DASH (CENC cenc) + HLS (AES-128) with keys from a running key server
                                       (see \`keyplane package --help\`)
  review --stack <name> [options]      offline content-protection review of the Pulumi project in this folder:
                                       its Pulumi.yaml, Pulumi.<name>.yaml and program on Pulumi's mock runtime;
                                       Markdown, JSON and SARIF reports (see \`keyplane review --help\`)
  help                                 this text`;

if (cmd === "package") {
  require("../lab/package").main(rest).then((code) => { process.exitCode = code; });
} else if (cmd === "review") {
  const review = require("../review");
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(review.USAGE + "\n");
  } else {
    review.main(rest, process.cwd()).then((code) => { process.exitCode = code; });
  }
} else if (cmd === undefined || cmd === "help" || cmd === "-h" || cmd === "--help") {
  process.stdout.write(HELP + "\n");
} else {
  process.stderr.write(`keyplane: unknown command "${cmd}"\n\n${HELP}\n`);
  process.exitCode = 2;
}
