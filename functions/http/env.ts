import type { Logger } from "../log";

/** Hono environment shared by every route: a per-request logger (with the request id) and the id itself. */
export type AppEnv = { Variables: { log: Logger; requestId: string } };
