/** CLI entry: `npm run review -- --stack <name> [...]` (see stacks/review/run.ts). */
import { resolve } from "node:path";
import { main } from "./review/run";

main(process.argv.slice(2), resolve(__dirname, "..")).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`review error: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
