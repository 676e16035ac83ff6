/**
 * `pulumi.Input` arguments, validated where their value is known.
 *
 * A component argument may be a plain value, a Promise or an Output of another resource. `checkInput` validates it
 * now when the value is plain all the way down (the error stops `pulumi preview` at the component's constructor), and
 * otherwise inside `apply` once it resolves (a value still unknown in preview is checked by `pulumi up` before any
 * child resource is created from it). The check always receives the plain value, so error messages can name the
 * component, the argument and the value, never an Output's `toString`.
 */
import * as pulumi from "@pulumi/pulumi";

function isPromiseLike(v: unknown): boolean {
  return (
    !!v && (typeof v === "object" || typeof v === "function") && typeof (v as { then?: unknown }).then === "function"
  );
}

/** True when `v` holds no Output and no Promise anywhere inside plain objects and arrays: its value is known now. */
export function isKnownNow(v: unknown): boolean {
  if (pulumi.Output.isInstance(v) || isPromiseLike(v)) return false;
  if (Array.isArray(v)) return v.every(isKnownNow);
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype)
    return Object.values(v).every(isKnownNow);
  return true;
}

/**
 * Validates (and may normalise) an Input: synchronously when `isKnownNow(value)`, else in `apply` (secretness kept).
 * `check` throws with a message naming component, argument and value; its result is the Output returned.
 */
export function checkInput<T, U>(
  value: pulumi.Input<T>,
  check: (v: pulumi.Unwrap<T>) => U,
): pulumi.Output<pulumi.Unwrap<U>> {
  if (isKnownNow(value)) return pulumi.output(check(value as pulumi.Unwrap<T>));
  return pulumi.output(value).apply((v) => check(v as pulumi.Unwrap<T>)) as pulumi.Output<pulumi.Unwrap<U>>;
}

/** Like `checkInput` for an optional argument: `undefined` stays `undefined` (no Output is made). */
export function checkOptional<T, U>(
  value: pulumi.Input<T> | undefined,
  check: (v: pulumi.Unwrap<T>) => U,
): pulumi.Output<pulumi.Unwrap<U>> | undefined {
  return value === undefined ? undefined : checkInput(value, check);
}

/** A value for an error message: strings quoted, everything else as JSON (plain values only; never an Output). */
export function shown(v: unknown): string {
  if (typeof v === "string") return JSON.stringify(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
