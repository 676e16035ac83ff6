export * from "./bundle";
export * from "./archive";
