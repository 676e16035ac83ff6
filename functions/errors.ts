/**
 * Errors are values with a stable code at module boundaries; one place (the HTTP app) turns them into statuses.
 * `expose` says whether `message` may be shown to the caller: it never carries key material, tokens or secrets.
 */
export class KeyplaneError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  /** Machine-readable extra detail, safe to log (never secrets). */
  readonly detail?: Record<string, unknown>;

  constructor(
    code: string,
    message: string,
    opts: { status?: number; expose?: boolean; detail?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "KeyplaneError";
    this.code = code;
    this.status = opts.status ?? 400;
    this.expose = opts.expose ?? true;
    if (opts.detail) this.detail = opts.detail;
  }
}

export function isKeyplaneError(e: unknown): e is KeyplaneError {
  return e instanceof KeyplaneError;
}

/** 413 BODY_TOO_LARGE: the one answer to a request body over its cap (HTTP layer and CPIX parser alike). */
export function bodyTooLarge(maxBytes: number): KeyplaneError {
  return new KeyplaneError("BODY_TOO_LARGE", `Request body exceeds ${maxBytes} bytes`, { status: 413 });
}
