/**
 * The zod every schema in `functions/` uses: `zod/mini` (the functional build of zod 4, same validation core and
 * messages as `zod`) with the English messages configured, so a Lambda bundle carries about 30 KiB of zod instead of
 * the 444 KiB (with every locale) of the chained API, and builds its schemas several times faster at load
 * (docs/performance.md). Schemas from here are ordinary zod 4 schemas: `.parse`, `.safeParse`, `z.infer`, and they
 * nest inside `zod` (classic) objects as any other.
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

// Import as `import * as z from "./zod"`: esbuild then keeps only the functions used (a re-exported namespace object
// would keep every locale and the JSON Schema code).
export * from "zod/mini";
