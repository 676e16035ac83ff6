/**
 * `npm run bench`: every benchmark, printing numbers (never asserted in tests). Pass area names to run a subset:
 * `npm run bench -- speke delivery`.
 */
import { benchDrm } from "./drm";
import { benchSpeke } from "./speke";
import { benchDelivery } from "./delivery";
import { benchColdStart } from "./coldstart";

type Bench = { name: string; run: () => Promise<void> };

const benches: Bench[] = [
  { name: "drm", run: benchDrm },
  { name: "speke", run: benchSpeke },
  { name: "delivery", run: benchDelivery },
  { name: "coldstart", run: benchColdStart },
];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const selected = wanted.length ? benches.filter((b) => wanted.includes(b.name)) : benches;
  if (wanted.length && selected.length !== wanted.length) {
    throw new Error(`unknown benchmark; choose from: ${benches.map((b) => b.name).join(", ")}`);
  }
  console.log(`Keyplane benchmarks on Node ${process.version}, ${process.arch}, ${new Date().toISOString()}`);
  for (const b of selected) {
    console.log(`\n=== ${b.name} ===`);
    await b.run();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
