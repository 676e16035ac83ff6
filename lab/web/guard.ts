/**
 * The lab's front door, mounted before every lab route (SPEKE, token, key delivery, license proxy, demo page, media)
 * and only by the lab (`startLab`); the Lambda entries sit behind API Gateway and never get it.
 *
 * - Host allow-list (DNS rebinding): a page on another site can point its own host name at 127.0.0.1 and then read
 *   the lab's answers as same-origin. The browser still sends that site's name in `Host`, so the lab answers only
 *   loopback names (`localhost`, `*.localhost`, `127.0.0.0/8`, `[::1]`), the literal address it is bound to, and the
 *   configured names (`allowedHosts`, `KEYPLANE_LAB_ALLOWED_HOSTS`); anything else, and a missing `Host`, gets
 *   421 `HOST_NOT_ALLOWED`. The refused host is never echoed.
 * - Security headers on every lab response: a Content-Security-Policy that admits only the lab's own scripts, styles,
 *   media (plus the `blob:` URLs Media Source Extensions play from) and connections, no framing, no plugins, no
 *   `<base>`; `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, `Referrer-Policy: no-referrer`.
 */
import { setHeader, type MiddlewareHandler, type PlainResponse } from "../../functions/http/router";
import { isIP } from "node:net";
import { errorBody } from "../../functions/http/base";
import type { AppEnv } from "../../functions/http/env";
import { requestHeader } from "../../functions/http/incoming";
import { replyJson } from "../../functions/http/reply";

export const LAB_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

export const LAB_SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "Content-Security-Policy": LAB_CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
});

/** The env var with extra host names the lab answers to (comma separated). */
export const ALLOWED_HOSTS_ENV = "KEYPLANE_LAB_ALLOWED_HOSTS";

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const DNS_NAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
const LOCALHOST = new RegExp(`^(?:${LABEL}\\.)*localhost$`);
const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const LOOPBACK_V4 = new RegExp(`^127(?:\\.${OCTET}){3}$`);

/**
 * The host name of a `Host` header value (lower case, port dropped, IPv6 kept in brackets), or undefined when the
 * value is not `host[:port]` with a DNS name, a canonical IPv4 literal or a bracketed IPv6 literal.
 */
export function hostName(header: string | undefined): string | undefined {
  if (header === undefined || header.length === 0 || header.length > 300) return undefined;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(header);
  if (!m) return undefined;
  if (m[2] !== undefined && Number(m[2]) > 65535) return undefined;
  const host = m[1]!.toLowerCase();
  if (host.startsWith("[")) return isIP(host.slice(1, -1)) === 6 ? host : undefined;
  return DNS_NAME.test(host) ? host : undefined;
}

/** True for the names that can only mean this machine: localhost, *.localhost, 127.0.0.0/8 and [::1]. */
export function isLoopbackHost(host: string): boolean {
  return LOCALHOST.test(host) || LOOPBACK_V4.test(host) || host === "[::1]";
}

/**
 * Normalises configured host entries: `name`, `.name` (the name and every subdomain), an IPv4 literal or a bracketed
 * IPv6 literal, each without a port (any port is accepted). Throws on anything else (a URL, a port, `*`).
 */
export function parseAllowedHosts(entries: readonly string[], origin = "allowedHosts"): string[] {
  const out: string[] = [];
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    const name = entry.startsWith(".") ? entry.slice(1) : entry;
    const ok = name.startsWith("[") ? name.endsWith("]") && isIP(name.slice(1, -1)) === 6 : DNS_NAME.test(name);
    if (!ok)
      throw new Error(
        `${origin}: "${raw.trim().slice(0, 100)}" is not a host name (give names or IP literals, no scheme, port or wildcard; ".example.test" admits subdomains)`,
      );
    out.push(entry);
  }
  return out;
}

/** The configured hosts from `KEYPLANE_LAB_ALLOWED_HOSTS` (comma separated). */
export function allowedHostsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const v = env[ALLOWED_HOSTS_ENV];
  return v ? parseAllowedHosts(v.split(","), ALLOWED_HOSTS_ENV) : [];
}

/**
 * The address the lab listens on as a `Host` name (`0.0.0.0`, `192.0.2.7`, `[fd00::1]`, `mybox.lan`): the lab's own
 * URL, which SPEKE key templates and the demo packaging use. An IP literal cannot be rebound; a name is one the
 * developer chose to bind to.
 */
export function bindAddressHost(hostname: string): string | undefined {
  const v = isIP(hostname);
  if (v === 6) return `[${hostname.toLowerCase()}]`;
  const name = hostname.toLowerCase();
  return DNS_NAME.test(name) ? name : undefined;
}

export function isAllowedHost(host: string, allowed: readonly string[]): boolean {
  if (isLoopbackHost(host)) return true;
  for (const a of allowed) {
    if (a.startsWith(".") ? host === a.slice(1) || host.endsWith(a) : host === a) return true;
  }
  return false;
}

function setHeaders(res: PlainResponse): void {
  for (const [k, v] of Object.entries(LAB_SECURITY_HEADERS)) setHeader(res, k, v);
}

export function labGuard(opts: { allowedHosts?: readonly string[] } = {}): MiddlewareHandler<AppEnv> {
  const allowed = [...(opts.allowedHosts ?? [])];
  return async (c, next) => {
    const host = hostName(requestHeader(c, "host"));
    if (host === undefined || !isAllowedHost(host, allowed)) {
      c.get("log")?.warn("host_not_allowed", { host: (requestHeader(c, "host") ?? "").slice(0, 100) });
      return replyJson(
        c,
        errorBody("HOST_NOT_ALLOWED", `This lab answers only loopback host names and the ones in ${ALLOWED_HOSTS_ENV}`),
        421,
        { ...LAB_SECURITY_HEADERS, "Cache-Control": "no-store" },
      );
    }
    await next();
    setHeaders(c.res);
    return undefined;
  };
}
