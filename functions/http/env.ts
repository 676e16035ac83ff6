import type { Logger } from "../log";

/**
 * Per-request variables shared by every route: a per-request logger (with the request id), the id itself, and the
 * app's body ceiling when it is not the default (read by `readRequestBody`), and fields a route adds to the
 * request's one log line (`noteRequest`).
 */
export type AppEnv = {
  Variables: { log: Logger; requestId: string; maxBodyBytes?: number; note?: Record<string, unknown> };
};
