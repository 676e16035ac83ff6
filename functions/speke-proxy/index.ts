export * from "./presets";
export * from "./proxy";
export * from "./config";
export * from "./credential";
export * from "./app";
