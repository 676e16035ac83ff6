import type { Logger } from "../log";

/**
 * Hono environment shared by every route: a per-request logger (with the request id), the id itself, and the app's
 * body ceiling when it is not the default (read by `readRequestBody`).
 */
export type AppEnv = { Variables: { log: Logger; requestId: string; maxBodyBytes?: number } };
