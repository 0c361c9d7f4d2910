/**
 * The HTTP Basic login of VICIdial's web pages (the admin page, and the
 * URL Log Report likewise): the shared login() with the page's own
 * answers for a wrong login (401), a locked user and a blocked address.
 */
import { login } from "./auth.js";
import { APACHE_CONTENT_TYPE, API_CONTENT_TYPE, type RequestContext, type SandboxResponse, textResponse } from "./response.js";
import { adminSanitize } from "./sanitize.js";
import type { SandboxUser } from "./types.js";

export type BasicLogin = { ok: true; user: SandboxUser } | { ok: false; response: SandboxResponse };

/** Logs in with the request's Basic credentials (letters, digits, - and _ kept); `minLevel` 8 for the admin page, 7 for reports. */
export function basicLogin(ctx: RequestContext, minLevel: number): BasicLogin {
  const user = adminSanitize.authUser(ctx.basic?.user ?? "");
  const pass = adminSanitize.authPass(ctx.basic?.pass ?? "");
  const result = login(ctx.state, { user, pass, ip: ctx.ip, now: ctx.now, minLevel });
  if (result.kind === "GOOD") return { ok: true, user: result.user };
  // LOCK and IPBLOCK set their own (lower-case) content type and stay HTTP 200; no password in them.
  if (result.kind === "LOCK") {
    return { ok: false, response: textResponse(`Too many login attempts, try again in 15 minutes: |${user}|LOCK|\n`, API_CONTENT_TYPE) };
  }
  if (result.kind === "IPBLOCK") {
    return { ok: false, response: textResponse(`Your IP Address is not allowed: ${result.ip}: |${user}|IPBLOCK|\n`, API_CONTENT_TYPE) };
  }
  const response = textResponse(`Login incorrect, please try again: |${user}|${pass}|BAD|\n`, APACHE_CONTENT_TYPE, 401, {
    "WWW-Authenticate": 'Basic realm="CONTACT-CENTER-ADMIN"',
  });
  return { ok: false, response };
}
