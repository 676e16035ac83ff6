#!/usr/bin/env node
/* Keyplane command line. `keyplane package [input] [outdir] [options]` packages and protects a stream (lab/package.ts). */
"use strict";
require("tsx/cjs");

const [cmd, ...rest] = process.argv.slice(2);
const HELP = `Usage: keyplane <command>

Commands:
  package [input] [outdir] [options]   DASH (cenc), HLS fMP4 (cbcs) and HLS TS (AES-128) with Shaka Packager +
                                       ffmpeg, keys from a running key server (see \`keyplane package --help\`)
  help                                 this text`;

if (cmd === "package") {
  require("../lab/package").main(rest).then((code) => { process.exitCode = code; });
} else if (cmd === undefined || cmd === "help" || cmd === "-h" || cmd === "--help") {
  process.stdout.write(HELP + "\n");
} else {
  process.stderr.write(`keyplane: unknown command "${cmd}"\n\n${HELP}\n`);
  process.exitCode = 2;
}
