export * from "./model";
export * from "./validate";
export * from "./bindings";
export * from "./ams";
