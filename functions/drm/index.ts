export * from "./systems";
export * from "./pssh";
export * from "./widevine";
export * from "./playready";
export * from "./clearkey";
export * from "./fairplay";
export * from "./hls";
export * from "./dash";
export { xmlText, xmlAttr } from "../xml/strict";
