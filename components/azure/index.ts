export * from "./render";
export * from "./content-key-policy";
export * from "./streaming-policy";
export * from "./protected-locator";
export * from "./content-protection";
export * from "./key-delivery";
