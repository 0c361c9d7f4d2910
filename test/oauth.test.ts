/**
 * OAuth 2.1 end to end, against a real OpenID provider on loopback
 * (test/helpers/oidc.ts): the protected resource metadata and the 401 that
 * points to it; a pipeline with client credentials and a person with the
 * authorization code and PKCE, both driven by the SDK's own OAuth client; the
 * token's subject as the audit log's actor; scopes deciding which tools a
 * token sees and may call (403 insufficient_scope naming the scope);
 * MCP_HTTP_TOKEN still working beside OAuth. Refused tokens and the issuer's
 * keys: test/oauth-tokens.test.ts.
 */

import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_TOOLS } from "../src/tools/index.js";
import { call } from "./helpers/harness.js";
import { ALL, CLIENTS, USER } from "./helpers/oidc.js";
import { MCP_HEADERS, messagesOf, raw, rpc } from "./http-helpers.js";
import { type OAuthRig, STATIC_TOKEN, startOAuthRig } from "./oauth-helpers.js";

let rig: OAuthRig;
beforeAll(async () => {
  rig = await startOAuthRig();
});
afterAll(async () => {
  await rig?.close();
});

const READ_TOOLS = ALL_TOOLS.filter((t) => t.annotations.readOnlyHint).map((t) => t.name);
const WRITE_TOOLS = ALL_TOOLS.filter((t) => !t.annotations.readOnlyHint && !t.annotations.destructiveHint).map((t) => t.name);
const ADMIN_TOOLS = ALL_TOOLS.filter((t) => t.annotations.destructiveHint).map((t) => t.name);

/** The SDK's OAuth client for a person: registers itself, sends them to sign in, exchanges the code (PKCE). */
class PersonClient implements OAuthClientProvider {
  readonly redirectUrl = "http://127.0.0.1:9/callback";
  authorizationUrl: URL | null = null;
  private info: OAuthClientInformationMixed | undefined;
  private saved: OAuthTokens | undefined;
  private verifier = "";
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "oauth-test person",
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
}

describe("protected resource metadata", () => {
  it("is served at the root and the path-suffixed address, naming the issuer, the resource and the scopes", async () => {
    for (const p of ["/.well-known/oauth-protected-resource", "/.well-known/oauth-protected-resource/mcp"]) {
      const r = await raw(new URL(p, rig.http.url).toString(), { method: "GET" });
      expect(r.status, p).toBe(200);
      expect(r.headers["access-control-allow-origin"]).toBe("*");
      expect(JSON.parse(r.body)).toMatchObject({
        resource: rig.audience,
        authorization_servers: [rig.idp.issuer],
        scopes_supported: ["alturl:read", "alturl:write", "alturl:admin"],
        bearer_methods_supported: ["header"],
      });
    }
  });

  it("a request without a token gets 401 whose WWW-Authenticate points to the metadata", async () => {
    const r = await raw(rig.http.url, { headers: MCP_HEADERS, body: rpc("initialize", {}, 1) });
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toBe(
      `Bearer realm="vicidial-alturl-mcp", resource_metadata="${new URL("/.well-known/oauth-protected-resource/mcp", rig.audience)}"`,
    );
  });
});

describe("a pipeline with client credentials (the SDK's ClientCredentialsProvider)", () => {
  it("finds the issuer from the 401, gets a token for this audience, sees every tool, and its writes are audited as its subject", async () => {
    const provider = new ClientCredentialsProvider({
      clientId: CLIENTS.pipeline.id,
      clientSecret: CLIENTS.pipeline.secret,
      scope: ALL,
      expectedIssuer: rig.idp.issuer,
    });
    const client = new Client({ name: "pipeline", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(rig.http.url), { authProvider: provider }));
    try {
      const token = decodeJwt(provider.tokens()!.access_token);
      expect(token).toMatchObject({ iss: rig.idp.issuer, aud: rig.audience, sub: CLIENTS.pipeline.id });
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(ALL_TOOLS.map((t) => t.name).sort());
      const r = await call(client, "set_alt_url", { campaign_id: "2001", statuses: ["OAUTHCC"], url: "https://crm.example.com/cc" });
      expect(r.isError, r.text).toBe(false);
      expect(rig.auditActors()).toContain(CLIENTS.pipeline.id);
    } finally {
      await client.close();
    }
  });

  it("a read-only client sees only the read-only tools, and a write is HTTP 403 insufficient_scope naming alturl:write", async () => {
    const token = await rig.idp.clientToken(CLIENTS.reader);
    const session = await rig.sessionFor(token);
    const list = await raw(rig.http.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, "mcp-session-id": session },
      body: rpc("tools/list"),
    });
    const names = (messagesOf(list)[0]!.result!.tools as { name: string }[]).map((t) => t.name);
    expect(names.sort()).toEqual([...READ_TOOLS].sort());
    const before = rig.sandbox.stats().requests;
    const denied = await rig.toolCall(token, session, "set_alt_url", {
      campaign_id: "2001",
      statuses: ["NOPE"],
      url: "https://crm.example.com/n",
    });
    expect(denied.status).toBe(403);
    expect(denied.headers["www-authenticate"]).toMatch(
      /^Bearer realm="vicidial-alturl-mcp", error="insufficient_scope", scope="alturl:write", /,
    );
    expect(denied.headers["www-authenticate"]).toContain(
      `resource_metadata="${new URL("/.well-known/oauth-protected-resource/mcp", rig.audience)}"`,
    );
    const body = JSON.parse(denied.body) as {
      id: number;
      result: { isError: boolean; structuredContent: { error: { code: string; fix: string } } };
    };
    expect(body.id).toBe(7);
    expect(body.result.isError).toBe(true);
    expect(body.result.structuredContent.error.code).toBe("PERMISSION_DENIED");
    expect(body.result.structuredContent.error.fix).toMatch(/scope alturl:write/);
    expect(rig.sandbox.stats().requests).toBe(before);
    // Reading is within its scope.
    const read = await rig.toolCall(token, session, "list_alt_urls", { campaign_id: "2001" });
    expect(read.status).toBe(200);
    expect(messagesOf(read)[0]!.result!.isError).toBeUndefined();
  });

  it("a client that may write but not delete: delete_alt_url is 403 naming alturl:admin, set_alt_url works", async () => {
    const token = await rig.idp.clientToken(CLIENTS.writer);
    const session = await rig.sessionFor(token);
    const list = await raw(rig.http.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, "mcp-session-id": session },
      body: rpc("tools/list"),
    });
    const names = (messagesOf(list)[0]!.result!.tools as { name: string }[]).map((t) => t.name);
    expect(names.sort()).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
    expect(names.some((n) => ADMIN_TOOLS.includes(n))).toBe(false);
    const del = await rig.toolCall(token, session, "delete_alt_url", { campaign_id: "2001", id: 1 });
    expect(del.status).toBe(403);
    expect(del.headers["www-authenticate"]).toContain('scope="alturl:admin"');
    const set = await rig.toolCall(token, session, "set_alt_url", {
      campaign_id: "2001",
      statuses: ["OAUTHW"],
      url: "https://crm.example.com/w",
    });
    expect(set.status).toBe(200);
    expect(rig.auditActors()).toContain(CLIENTS.writer.id);
  });

  it("a token without any alturl scope sees no tool, and reading resources is 403 naming alturl:read", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await rig.idp.sign({
      iss: rig.idp.issuer,
      aud: rig.audience,
      sub: "nobody",
      scope: "openid profile",
      iat: now,
      exp: now + 300,
    });
    const session = await rig.sessionFor(token);
    const headers = { ...MCP_HEADERS, authorization: `Bearer ${token}`, "mcp-session-id": session };
    const list = await raw(rig.http.url, { headers, body: rpc("tools/list") });
    expect(messagesOf(list)[0]!.result!.tools).toEqual([]);
    const resources = await raw(rig.http.url, { headers, body: rpc("resources/list") });
    expect(resources.status).toBe(403);
    expect(resources.headers["www-authenticate"]).toContain('scope="alturl:read"');
  });

  it("a session opened with one subject's token is not found for another's", async () => {
    const session = await rig.sessionFor(await rig.idp.clientToken(CLIENTS.pipeline));
    const other = await rig.toolCall(await rig.idp.clientToken(CLIENTS.writer), session, "list_campaigns", {});
    expect(other.status).toBe(404);
  });
});

describe("a person with the authorization code and PKCE (the SDK's OAuth client)", () => {
  it("registers, is sent to sign in, exchanges the code, and is the actor of what it changes", async () => {
    const provider = new PersonClient();
    const first = new StreamableHTTPClientTransport(new URL(rig.http.url), { authProvider: provider });
    await expect(new Client({ name: "person", version: "1" }).connect(first)).rejects.toThrow(/Unauthorized/);
    expect(provider.authorizationUrl?.origin).toBe(rig.idp.issuer);
    expect(provider.authorizationUrl?.searchParams.get("code_challenge_method")).toBe("S256");
    expect(provider.authorizationUrl?.searchParams.get("resource")).toBe(rig.audience);
    const code = await rig.idp.authorize(provider.authorizationUrl!);
    await first.finishAuth(code);
    expect(decodeJwt(provider.tokens()!.access_token)).toMatchObject({ sub: USER, aud: rig.audience, iss: rig.idp.issuer });
    const client = new Client({ name: "person", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(rig.http.url), { authProvider: provider }));
    try {
      expect((await client.listTools()).tools).toHaveLength(ALL_TOOLS.length);
      const r = await call(client, "set_alt_url", { campaign_id: "2001", statuses: ["OAUTHPKCE"], url: "https://crm.example.com/p" });
      expect(r.isError, r.text).toBe(false);
      expect(rig.auditActors()).toContain(USER);
    } finally {
      await client.close();
    }
  });
});

describe("MCP_HTTP_TOKEN beside OAuth", () => {
  it("still works: the actor is token, with every tool", async () => {
    const session = await rig.sessionFor(STATIC_TOKEN);
    const list = await raw(rig.http.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${STATIC_TOKEN}`, "mcp-session-id": session },
      body: rpc("tools/list"),
    });
    expect((messagesOf(list)[0]!.result!.tools as unknown[]).length).toBe(ALL_TOOLS.length);
    const set = await rig.toolCall(STATIC_TOKEN, session, "set_alt_url", {
      campaign_id: "2001",
      statuses: ["STATIC"],
      url: "https://crm.example.com/s",
    });
    expect(set.status).toBe(200);
    expect(rig.auditActors()).toContain("token");
  });
});
