/**
 * The server's URL policy (VICIDIAL_REQUIRE_HTTPS, VICIDIAL_ALLOWED_URL_HOSTS),
 * built once per system from its configuration and applied in one place: to
 * every URL prepared for a write, to a stored URL a write makes live again,
 * and to every hop test_alt_url follows.
 */
import { invalidInput } from "../common/errors.js";

export interface UrlPolicy {
  /** VICIDIAL_REQUIRE_HTTPS: refuse plain http:// Alt URLs. */
  requireHttps: boolean;
  /** VICIDIAL_ALLOWED_URL_HOSTS, e.g. ["crm.example.com", "*.example.com"]; null = any host. */
  allowedHosts: string[] | null;
}

const TEMPLATE_MARKER = /--A--[A-Za-z0-9_]+--B--/gi;

/**
 * Is `host` covered by the allowed list? Case-insensitive, trailing dot
 * ignored. `*.example.com` matches any sub-domain (a.example.com,
 * a.b.example.com) but not example.com itself; list that separately. `*`
 * alone matches every host. null means no restriction.
 */
export function hostAllowed(host: string, allowedHosts: string[] | null): boolean {
  if (allowedHosts === null) return true;
  const norm = (h: string) => h.trim().toLowerCase().replace(/\.$/, "");
  const h = norm(host);
  if (h === "") return false;
  for (const raw of allowedHosts) {
    const p = norm(raw);
    if (p === "") continue;
    if (p === "*") return true;
    if (p.startsWith("*.")) {
      const base = p.slice(2);
      if (base !== "" && h.endsWith("." + base)) return true;
    } else if (h === p) {
      return true;
    }
  }
  return false;
}

/**
 * VICIDIAL_REQUIRE_HTTPS and VICIDIAL_ALLOWED_URL_HOSTS, the one place they
 * are applied: to every URL prepared for a write, and to a stored URL that a
 * write makes live again (enable_alt_url), with the same words.
 */
export function enforcePolicy(url: { scheme: string; host: string; httpsForm: () => string }, policy: UrlPolicy, field: string): void {
  if (policy.requireHttps && url.scheme === "http") {
    throw invalidInput(
      field,
      "uses plain http://, and this server is set to require https (VICIDIAL_REQUIRE_HTTPS=true).",
      `Use "${url.httpsForm()}".`,
    );
  }
  if (policy.allowedHosts !== null) {
    const list = policy.allowedHosts.length > 0 ? policy.allowedHosts.join(", ") : "(none)";
    if (new RegExp(TEMPLATE_MARKER.source, "i").test(url.host)) {
      throw invalidInput(
        field,
        `builds its host name from a template variable ("${url.host}"), so it cannot be checked against VICIDIAL_ALLOWED_URL_HOSTS (${list}).`,
        "Write the host name out in full, using one of the allowed hosts.",
      );
    }
    if (!hostAllowed(url.host, policy.allowedHosts)) {
      throw invalidInput(
        field,
        `points to host "${url.host}", which is not in VICIDIAL_ALLOWED_URL_HOSTS (${list}).`,
        `Use an address on one of those hosts, or ask whoever runs this server to add "${url.host.toLowerCase()}" to VICIDIAL_ALLOWED_URL_HOSTS.`,
      );
    }
  }
}

/**
 * A stored URL about to fire again (a row switched on) must meet the same
 * policy as a new one. Only the policy is checked: the stored text itself is
 * left as VICIdial holds it.
 */
export function assertLivePolicy(storedUrl: string, policy: UrlPolicy, field = "url"): void {
  if (!policy.requireHttps && policy.allowedHosts === null) return;
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(storedUrl.trim());
  if (!m) {
    throw invalidInput(
      field,
      "is stored without http:// or https://, so this server cannot check it against its URL policy.",
      "Give the row a full https:// address with set_alt_url first.",
    );
  }
  const scheme = m[1]!.toLowerCase();
  const authority = m[2]!;
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  const host = hostPort.replace(/:\d*$/, "");
  enforcePolicy({ scheme, host, httpsForm: () => `https://${storedUrl.trim().slice(m[1]!.length + 3)}` }, policy, field);
}
