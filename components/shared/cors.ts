/**
 * The browser origins a key delivery answers CORS for (`corsAllowOrigins` of KeyDeliveryApi and AzureKeyDelivery):
 * exact origins, `https://host[:port]`, or `http://localhost` / `http://127.0.0.1` for development; never `*`.
 */
import { shown } from "./inputs";

const ORIGIN_RE = /^(https:\/\/[a-z0-9.-]+(:\d{1,5})?|http:\/\/(localhost|127\.0\.0\.1)(:\d{1,5})?)$/;

/** The origins, checked; errors name the component, `corsAllowOrigins` and the value. */
export function checkPlayerOrigins(component: string, origins: unknown, o: { nonEmpty?: boolean } = {}): string[] {
  if (!Array.isArray(origins) || (o.nonEmpty && origins.length === 0))
    throw new Error(
      `${component}: corsAllowOrigins must be a ${o.nonEmpty ? "non-empty " : ""}list of origins (got ${shown(origins)})`,
    );
  for (const origin of origins) {
    if (origin === "*") throw new Error(`${component}: corsAllowOrigins cannot be "*"; list the player origins`);
    if (typeof origin !== "string" || !ORIGIN_RE.test(origin))
      throw new Error(
        `${component}: corsAllowOrigins ${shown(origin)} is not an origin (https://host[:port], or http://localhost for development)`,
      );
  }
  return origins as string[];
}
