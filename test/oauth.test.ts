/**
 * OAuth 2.1 end to end, against a real OpenID provider on loopback
 * (test/helpers/oidc.ts): the protected resource metadata and the 401 that
 * points to it; a pipeline with client credentials and a person with the
 * authorization code and PKCE, both driven by the SDK's own OAuth client; the
 * token's subject as the audit log's actor; scopes deciding which tools a
 * token sees and may call (403 insufficient_scope naming the scope); every
 * kind of bad token refused; the issuer's keys cached and fetched again after
 * a rotation; MCP_HTTP_TOKEN still working beside OAuth.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import { ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/env.js";
import { createServices, type Services } from "../src/domain/runtime.js";
import { type RunningHttp, startHttp } from "../src/entry/http.js";
import { oauthAuthenticator } from "../src/entry/oauth.js";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { ALL_TOOLS } from "../src/tools/index.js";
import { call } from "./helpers/harness.js";
import { ALL, CLIENTS, type Idp, startIdp, USER } from "./helpers/oidc.js";
import { MCP_HEADERS, messagesOf, raw, rawSession, rpc } from "./http-helpers.js";

const STATIC_TOKEN = "static-token-0123456789abcdef";

let idp: Idp;
let sandbox: Sandbox;
let services: Services;
let http: RunningHttp;
let audience: string;
let auditDir: string;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  const port = await freePort();
  audience = `http://127.0.0.1:${port}/mcp`;
  idp = await startIdp({ audiences: [audience, "https://another-api.example.com"] });
  sandbox = await startSandbox();
  auditDir = mkdtempSync(path.join(os.tmpdir(), "alturl-oauth-"));
  const config = loadConfig({
    VICIDIAL_URL: sandbox.url,
    VICIDIAL_USER: "6666",
    VICIDIAL_PASS: "sandbox1234",
    VICIDIAL_AUDIT_LOG: path.join(auditDir, "audit.jsonl"),
  });
  services = createServices(config, sandbox.url, { sandbox: true, logLevel: "error", retryDelayMs: 5 });
  const settings = { issuer: idp.issuer, audience };
  http = await startHttp(services, {
    host: "127.0.0.1",
    port,
    token: STATIC_TOKEN,
    oauth: settings,
    // A rotation test must not wait the 30 s the key set is otherwise protected for.
    authenticator: oauthAuthenticator({ settings, staticToken: STATIC_TOKEN, log: services.log, refetchCooldownMs: 0 }),
  });
});

afterAll(async () => {
  await http?.close();
  await services?.close();
  await sandbox?.close();
  await idp?.close();
  rmSync(auditDir, { recursive: true, force: true });
});

const READ_TOOLS = ALL_TOOLS.filter((t) => t.annotations.readOnlyHint).map((t) => t.name);
const WRITE_TOOLS = ALL_TOOLS.filter((t) => !t.annotations.readOnlyHint && !t.annotations.destructiveHint).map((t) => t.name);
const ADMIN_TOOLS = ALL_TOOLS.filter((t) => t.annotations.destructiveHint).map((t) => t.name);

function auditActors(): string[] {
  return readFileSync(path.join(auditDir, "audit.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => (JSON.parse(l) as { actor: string }).actor);
}

/** A session opened by hand with this bearer token; returns its id. */
function sessionFor(token: string): Promise<string> {
  return rawSession(http.url, { headers: { authorization: `Bearer ${token}` } });
}

async function toolCall(token: string, session: string, name: string, args: Record<string, unknown>) {
  return raw(http.url, {
    headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, "mcp-session-id": session },
    body: rpc("tools/call", { name, arguments: args }, 7),
  });
}

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
      const r = await raw(new URL(p, http.url).toString(), { method: "GET" });
      expect(r.status, p).toBe(200);
      expect(r.headers["access-control-allow-origin"]).toBe("*");
      expect(JSON.parse(r.body)).toMatchObject({
        resource: audience,
        authorization_servers: [idp.issuer],
        scopes_supported: ["alturl:read", "alturl:write", "alturl:admin"],
        bearer_methods_supported: ["header"],
      });
    }
  });

  it("a request without a token gets 401 whose WWW-Authenticate points to the metadata", async () => {
    const r = await raw(http.url, { headers: MCP_HEADERS, body: rpc("initialize", {}, 1) });
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toBe(
      `Bearer realm="vicidial-alturl-mcp", resource_metadata="${new URL("/.well-known/oauth-protected-resource/mcp", audience)}"`,
    );
  });
});

describe("a pipeline with client credentials (the SDK's ClientCredentialsProvider)", () => {
  it("finds the issuer from the 401, gets a token for this audience, sees every tool, and its writes are audited as its subject", async () => {
    const provider = new ClientCredentialsProvider({
      clientId: CLIENTS.pipeline.id,
      clientSecret: CLIENTS.pipeline.secret,
      scope: ALL,
      expectedIssuer: idp.issuer,
    });
    const client = new Client({ name: "pipeline", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { authProvider: provider }));
    try {
      const token = decodeJwt(provider.tokens()!.access_token);
      expect(token).toMatchObject({ iss: idp.issuer, aud: audience, sub: CLIENTS.pipeline.id });
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(ALL_TOOLS.map((t) => t.name).sort());
      const r = await call(client, "set_alt_url", { campaign_id: "2001", statuses: ["OAUTHCC"], url: "https://crm.example.com/cc" });
      expect(r.isError, r.text).toBe(false);
      expect(auditActors()).toContain(CLIENTS.pipeline.id);
    } finally {
      await client.close();
    }
  });

  it("a read-only client sees only the read-only tools, and a write is HTTP 403 insufficient_scope naming alturl:write", async () => {
    const token = await idp.clientToken(CLIENTS.reader);
    const session = await sessionFor(token);
    const list = await raw(http.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, "mcp-session-id": session },
      body: rpc("tools/list"),
    });
    const names = (messagesOf(list)[0]!.result!.tools as { name: string }[]).map((t) => t.name);
    expect(names.sort()).toEqual([...READ_TOOLS].sort());
    const before = sandbox.stats().requests;
    const denied = await toolCall(token, session, "set_alt_url", {
      campaign_id: "2001",
      statuses: ["NOPE"],
      url: "https://crm.example.com/n",
    });
    expect(denied.status).toBe(403);
    expect(denied.headers["www-authenticate"]).toMatch(
      /^Bearer realm="vicidial-alturl-mcp", error="insufficient_scope", scope="alturl:write", /,
    );
    expect(denied.headers["www-authenticate"]).toContain(
      `resource_metadata="${new URL("/.well-known/oauth-protected-resource/mcp", audience)}"`,
    );
    const body = JSON.parse(denied.body) as {
      id: number;
      result: { isError: boolean; structuredContent: { error: { code: string; fix: string } } };
    };
    expect(body.id).toBe(7);
    expect(body.result.isError).toBe(true);
    expect(body.result.structuredContent.error.code).toBe("PERMISSION_DENIED");
    expect(body.result.structuredContent.error.fix).toMatch(/scope alturl:write/);
    expect(sandbox.stats().requests).toBe(before);
    // Reading is within its scope.
    const read = await toolCall(token, session, "list_alt_urls", { campaign_id: "2001" });
    expect(read.status).toBe(200);
    expect(messagesOf(read)[0]!.result!.isError).toBeUndefined();
  });

  it("a client that may write but not delete: delete_alt_url is 403 naming alturl:admin, set_alt_url works", async () => {
    const token = await idp.clientToken(CLIENTS.writer);
    const session = await sessionFor(token);
    const list = await raw(http.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, "mcp-session-id": session },
      body: rpc("tools/list"),
    });
    const names = (messagesOf(list)[0]!.result!.tools as { name: string }[]).map((t) => t.name);
    expect(names.sort()).toEqual([...READ_TOOLS, ...WRITE_TOOLS].sort());
    expect(names.some((n) => ADMIN_TOOLS.includes(n))).toBe(false);
    const del = await toolCall(token, session, "delete_alt_url", { campaign_id: "2001", id: 1 });
    expect(del.status).toBe(403);
    expect(del.headers["www-authenticate"]).toContain('scope="alturl:admin"');
    const set = await toolCall(token, session, "set_alt_url", {
      campaign_id: "2001",
      statuses: ["OAUTHW"],
      url: "https://crm.example.com/w",
    });
    expect(set.status).toBe(200);
    expect(auditActors()).toContain(CLIENTS.writer.id);
  });

  it("a session opened with one subject's token is not found for another's", async () => {
    const session = await sessionFor(await idp.clientToken(CLIENTS.pipeline));
    const other = await toolCall(await idp.clientToken(CLIENTS.writer), session, "list_campaigns", {});
    expect(other.status).toBe(404);
  });
});

describe("a person with the authorization code and PKCE (the SDK's OAuth client)", () => {
  it("registers, is sent to sign in, exchanges the code, and is the actor of what it changes", async () => {
    const provider = new PersonClient();
    const first = new StreamableHTTPClientTransport(new URL(http.url), { authProvider: provider });
    await expect(new Client({ name: "person", version: "1" }).connect(first)).rejects.toThrow(/Unauthorized/);
    expect(provider.authorizationUrl?.origin).toBe(idp.issuer);
    expect(provider.authorizationUrl?.searchParams.get("code_challenge_method")).toBe("S256");
    expect(provider.authorizationUrl?.searchParams.get("resource")).toBe(audience);
    const code = await idp.authorize(provider.authorizationUrl!);
    await first.finishAuth(code);
    expect(decodeJwt(provider.tokens()!.access_token)).toMatchObject({ sub: USER, aud: audience, iss: idp.issuer });
    const client = new Client({ name: "person", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { authProvider: provider }));
    try {
      expect((await client.listTools()).tools).toHaveLength(ALL_TOOLS.length);
      const r = await call(client, "set_alt_url", { campaign_id: "2001", statuses: ["OAUTHPKCE"], url: "https://crm.example.com/p" });
      expect(r.isError, r.text).toBe(false);
      expect(auditActors()).toContain(USER);
    } finally {
      await client.close();
    }
  });
});

describe("tokens that are refused (401 invalid_token, nothing reaches VICIdial)", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const good = () => ({ iss: idp.issuer, aud: audience, sub: "mallory", scope: ALL, iat: now(), exp: now() + 300 });

  async function refused(token: string, why: RegExp): Promise<void> {
    const before = sandbox.stats().requests;
    const r = await raw(http.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: rpc("initialize", {}, 1) });
    expect(r.status).toBe(401);
    const challenge = r.headers["www-authenticate"] ?? "";
    expect(challenge).toMatch(/error="invalid_token"/);
    expect(challenge).toMatch(why);
    expect(challenge).toContain("resource_metadata=");
    expect(sandbox.stats().requests).toBe(before);
  }

  it("a well-signed token is accepted (the control for the cases below)", async () => {
    expect(await sessionFor(await idp.sign(good()))).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("expired", async () => {
    await refused(await idp.sign({ ...good(), iat: now() - 7200, exp: now() - 3600 }), /expired/);
  });

  it("not valid yet (nbf in the future)", async () => {
    await refused(await idp.sign({ ...good(), nbf: now() + 3600 }), /not valid yet/);
  });

  it("for another audience, as the provider issues it for another resource", async () => {
    const other = await idp.clientToken(CLIENTS.pipeline, { resource: "https://another-api.example.com" });
    expect(decodeJwt(other).aud).toBe("https://another-api.example.com");
    await refused(other, /another audience/);
  });

  it("from another issuer, though signed with the right key", async () => {
    await refused(await idp.sign({ ...good(), iss: "https://evil.example.com" }), /another issuer/);
  });

  it("tampered: a real token with its claims changed", async () => {
    const [h, p, s] = (await idp.clientToken(CLIENTS.reader)).split(".");
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, scope: ALL, sub: "admin" })).toString("base64url");
    await refused(`${h}.${forged}.${s}`, /signature does not verify/);
  });

  it("unsigned (alg none)", async () => {
    const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const payload = Buffer.from(JSON.stringify(good())).toString("base64url");
    await refused(`${header}.${payload}.`, /algorithm is not accepted|not a well-formed/);
  });

  it("without a subject, or not a JWT at all", async () => {
    const { sub: _sub, ...noSubject } = good();
    await refused(await idp.sign(noSubject), /sub claim/);
    await refused("opaque-token-from-somewhere", /not a well-formed JWT/);
  });
});

describe("the issuer's keys", () => {
  it("are fetched once and cached across requests, and fetched again when a token names a new key (rotation)", async () => {
    const token = await idp.clientToken(CLIENTS.pipeline);
    await sessionFor(token);
    const fetched = idp.jwksFetches();
    for (let i = 0; i < 5; i++) await sessionFor(token);
    expect(idp.jwksFetches()).toBe(fetched);
    await idp.rotate();
    const rotated = await idp.clientToken(CLIENTS.pipeline);
    expect((JSON.parse(Buffer.from(rotated.split(".")[0]!, "base64url").toString()) as { kid: string }).kid).toBe(idp.currentKid());
    expect(await sessionFor(rotated)).toMatch(/^[0-9a-f-]{36}$/);
    expect(idp.jwksFetches()).toBe(fetched + 1);
    // Tokens signed with the old key still verify: it is still published.
    await sessionFor(token);
    expect(idp.jwksFetches()).toBe(fetched + 1);
  });
});

describe("an issuer that cannot be reached", () => {
  it("gets 503 with Retry-After, not 401: the token may be good, its keys cannot be had", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const other = await startHttp(services, { host: "127.0.0.1", port: 0, token: "", oauth: { issuer: dead, audience } });
    try {
      const r = await raw(other.url, {
        headers: { ...MCP_HEADERS, authorization: `Bearer ${await idp.sign({ sub: "x" })}` },
        body: rpc("ping"),
      });
      expect(r.status).toBe(503);
      expect(r.headers["retry-after"]).toBe("5");
      expect(r.body).toMatch(/cannot check access tokens now: the issuer's metadata could not be read/);
    } finally {
      await other.close();
    }
  });
});

describe("MCP_HTTP_TOKEN beside OAuth", () => {
  it("still works: the actor is token, with every tool", async () => {
    const session = await sessionFor(STATIC_TOKEN);
    const list = await raw(http.url, {
      headers: { ...MCP_HEADERS, authorization: `Bearer ${STATIC_TOKEN}`, "mcp-session-id": session },
      body: rpc("tools/list"),
    });
    expect((messagesOf(list)[0]!.result!.tools as unknown[]).length).toBe(ALL_TOOLS.length);
    const set = await toolCall(STATIC_TOKEN, session, "set_alt_url", {
      campaign_id: "2001",
      statuses: ["STATIC"],
      url: "https://crm.example.com/s",
    });
    expect(set.status).toBe(200);
    expect(auditActors()).toContain("token");
  });
});
