export * from "./watchdog";
