/**
 * PlayReady signalling, one import for callers: the PlayReady Header (WRMHEADER XML, playready-header.ts), the
 * PlayReady Object and PSSH box (playready-object.ts) and the key checksum (playready-checksum.ts).
 */
export * from "./playready-checksum";
export * from "./playready-header";
export * from "./playready-object";
