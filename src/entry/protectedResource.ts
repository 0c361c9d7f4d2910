/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728): the document that tells
 * a client which authorization server issues tokens for this resource and
 * which scopes exist, and the `WWW-Authenticate` challenges (RFC 6750) that
 * point to it on 401 and name the missing scope on 403.
 *
 * The document is served at `/.well-known/oauth-protected-resource` and at
 * the path-suffixed form RFC 9728 derives from the resource URL (for a
 * resource `https://mcp.example.com/mcp`: `/.well-known/oauth-protected-resource/mcp`),
 * which is the one MCP clients try first.
 */
import type http from "node:http";
import { ALL_SCOPES } from "../server/toolAccess.js";
import type { OAuthSettings } from "./oauthConfig.js";

const WELL_KNOWN = "/.well-known/oauth-protected-resource";

export class ProtectedResource {
  /** Where the document is, as the 401 challenge names it. */
  readonly metadataUrl: string;
  private readonly paths: Set<string>;
  private readonly body: string;

  constructor(readonly settings: OAuthSettings) {
    const resource = new URL(settings.audience);
    const suffix = resource.pathname.replace(/\/+$/, "");
    this.metadataUrl = new URL(WELL_KNOWN + suffix, resource.origin).toString();
    // The path-suffixed form for the resource's own path and for /mcp (a proxy may strip a prefix).
    this.paths = new Set([WELL_KNOWN, WELL_KNOWN + suffix, `${WELL_KNOWN}/mcp`]);
    this.body = JSON.stringify({
      resource: settings.audience,
      authorization_servers: [settings.issuer],
      scopes_supported: ALL_SCOPES,
      bearer_methods_supported: ["header"],
      resource_name: "VICIdial Alt URLs (vicidial-alturl-mcp)",
    });
  }

  /** True when `pathname` is one of the document's addresses. */
  serves(pathname: string): boolean {
    return this.paths.has(pathname.replace(/\/+$/, "") || "/");
  }

  /** Answers GET, HEAD and the CORS preflight for the document; anyone may read it. */
  answer(req: http.IncomingMessage, res: http.ServerResponse): void {
    const cors = {
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, HEAD, OPTIONS",
      "access-control-allow-headers": "mcp-protocol-version",
    };
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { ...cors, allow: "GET, HEAD, OPTIONS", "content-type": "application/json" });
      res.end(JSON.stringify({ error: "method_not_allowed", error_description: "GET the protected resource metadata" }));
      return;
    }
    res.writeHead(200, { ...cors, "content-type": "application/json", "cache-control": "public, max-age=3600" });
    res.end(req.method === "HEAD" ? undefined : this.body);
  }

  /** The 401 challenge: no token, or one that failed (`error="invalid_token"` with why). */
  unauthorized(why?: string): string {
    const parts = ['Bearer realm="vicidial-alturl-mcp"'];
    if (why !== undefined) parts.push('error="invalid_token"', `error_description="${quoted(why)}"`);
    parts.push(`resource_metadata="${this.metadataUrl}"`);
    return parts.join(", ");
  }

  /** The 403 challenge for a call beyond the token's scopes, naming the scope needed. */
  insufficientScope(scope: string, why: string): string {
    return [
      'Bearer realm="vicidial-alturl-mcp"',
      'error="insufficient_scope"',
      `scope="${scope}"`,
      `error_description="${quoted(why)}"`,
      `resource_metadata="${this.metadataUrl}"`,
    ].join(", ");
  }
}

/** A quoted-string of RFC 6750: printable ASCII without `"` and `\`. */
function quoted(text: string): string {
  return text.replace(/[^\x20-\x7e]|["\\]/g, "'");
}
