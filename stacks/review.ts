/** `npm run review -- --stack <name> [...]`: the offline review of this repository's own project (see review/run.ts). */
import { resolve } from "node:path";
import { main } from "keyplane/review";

main(process.argv.slice(2), resolve(__dirname, "..")).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`review error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
