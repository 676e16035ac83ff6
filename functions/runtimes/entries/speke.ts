/** Lambda entry for the SPEKE key server (bundled by components/aws with esbuild). */
import { createApp } from "../../app";
import { configFromEnv } from "../../config";
import { lambdaContext, lambdaHandler } from "../lambda";

export const handler = lambdaHandler(createApp(lambdaContext(), configFromEnv(), { areas: ["speke"] }));
