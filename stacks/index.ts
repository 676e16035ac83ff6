/**
 * Pulumi entry point (`main: stacks/index.ts` in Pulumi.yaml): `pulumi up` / `pulumi preview` run the stack program;
 * its resolved value becomes the stack outputs.
 */
import { keyplaneProgram } from "./program";

export = keyplaneProgram();
