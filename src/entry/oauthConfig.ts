/**
 * MCP_OAUTH_ISSUER and MCP_OAUTH_AUDIENCE: this server as an OAuth 2.1
 * resource server (oauth.ts). Read only by `--http`, checked at start like
 * every variable (one stderr line naming it, exit 2).
 */
import { ConfigError, isLoopbackHost, quotable } from "../config/env.js";

export interface OAuthSettings {
  /** The authorization server's issuer identifier, exactly as its tokens' `iss` carries it. */
  issuer: string;
  /** This resource's URL, exactly as tokens' `aud` carries it; also the `resource` of its metadata. */
  audience: string;
}

function url(variable: string, raw: string, what: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(variable, `not a URL: "${quotable(raw)}" (expected ${what})`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new ConfigError(variable, `must start with https://, got "${u.protocol}"`);
  if (u.username || u.password) throw new ConfigError(variable, "must not hold a user name or password");
  if (u.hash || u.search) throw new ConfigError(variable, "must not hold a query or a #fragment");
  if (u.protocol === "http:" && !isLoopbackHost(u.hostname)) {
    throw new ConfigError(variable, `must use https:// (plain http:// is accepted for loopback addresses only), got "${quotable(raw)}"`);
  }
  return u;
}

/** The OAuth settings, or null when MCP_OAUTH_ISSUER is unset (then MCP_OAUTH_AUDIENCE must be too). */
export function oauthSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): OAuthSettings | null {
  const issuer = env.MCP_OAUTH_ISSUER?.trim() ?? "";
  const audience = env.MCP_OAUTH_AUDIENCE?.trim() ?? "";
  if (issuer === "") {
    if (audience !== "") throw new ConfigError("MCP_OAUTH_AUDIENCE", "is set but MCP_OAUTH_ISSUER is not: set both, or neither");
    return null;
  }
  url("MCP_OAUTH_ISSUER", issuer, "the authorization server's issuer, e.g. https://keycloak.example.com/realms/callcentre");
  if (audience === "") {
    throw new ConfigError(
      "MCP_OAUTH_AUDIENCE",
      "required with MCP_OAUTH_ISSUER: this server's public URL as tokens name it in aud, e.g. https://mcp.example.com/mcp",
    );
  }
  url("MCP_OAUTH_AUDIENCE", audience, "this server's public URL, e.g. https://mcp.example.com/mcp");
  return { issuer, audience };
}
