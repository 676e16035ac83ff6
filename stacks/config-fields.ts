/** Config fields several sections of the stack configuration share (names, URLs, origins, SPEKE v2 presets). */
import { z } from "zod";

export const name = (max = 63) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only")
    .max(max, `at most ${max} characters`);
export const httpsUrl = z.string().regex(/^https:\/\/[^\s/$.?#][^\s]*$/i, "must be an https:// URL");
export const origin = z
  .string()
  .regex(
    /^(https:\/\/[a-z0-9.-]+(:\d{1,5})?|http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?)$/,
    "must be an origin like https://player.example.com (no path, no *)",
  );

export const videoPreset = z.union([
  z.number().int().min(1, "must be 1..8").max(8, "must be 1..8"),
  z.enum(["SHARED", "UNENCRYPTED"]),
]);
export const audioPreset = z.union([
  z.number().int().min(1, "must be 1..3").max(3, "must be 1..3"),
  z.enum(["SHARED", "UNENCRYPTED"]),
]);
