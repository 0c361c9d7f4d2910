/**
 * The OAuth tests' rig (test/oauth*.test.ts): a real OpenID provider on
 * loopback (test/helpers/oidc.ts), a sandbox, services with an audit log,
 * and --http as an OAuth resource server for that provider (with
 * MCP_HTTP_TOKEN beside it), on a port chosen first so the audience is known.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "../src/config/env.js";
import { createServices, type Services } from "../src/domain/runtime.js";
import { type RunningHttp, startHttp } from "../src/entry/http.js";
import { oauthAuthenticator } from "../src/entry/oauth.js";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { type Idp, startIdp } from "./helpers/oidc.js";
import { MCP_HEADERS, raw, rawSession, rpc } from "./http-helpers.js";

export const STATIC_TOKEN = "static-token-0123456789abcdef";
export const OTHER_AUDIENCE = "https://another-api.example.com";

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface OAuthRig {
  idp: Idp;
  sandbox: Sandbox;
  services: Services;
  http: RunningHttp;
  audience: string;
  /** The actors of the audit log's lines so far. */
  auditActors(): string[];
  /** A session opened by hand with this bearer token; its id. */
  sessionFor(token: string): Promise<string>;
  toolCall(token: string, session: string, name: string, args: Record<string, unknown>): ReturnType<typeof raw>;
  close(): Promise<void>;
}

export async function startOAuthRig(): Promise<OAuthRig> {
  const port = await freePort();
  const audience = `http://127.0.0.1:${port}/mcp`;
  const idp = await startIdp({ audiences: [audience, OTHER_AUDIENCE] });
  const sandbox = await startSandbox();
  const auditDir = mkdtempSync(path.join(os.tmpdir(), "alturl-oauth-"));
  const config = loadConfig({
    VICIDIAL_URL: sandbox.url,
    VICIDIAL_USER: "6666",
    VICIDIAL_PASS: "sandbox1234",
    VICIDIAL_AUDIT_LOG: path.join(auditDir, "audit.jsonl"),
  });
  const services = createServices(config, sandbox.url, { sandbox: true, logLevel: "error", retryDelayMs: 5 });
  const settings = { issuer: idp.issuer, audience };
  const http = await startHttp(services, {
    host: "127.0.0.1",
    port,
    token: STATIC_TOKEN,
    oauth: settings,
    // A rotation test must not wait the 30 s the key set is otherwise protected for.
    authenticator: oauthAuthenticator({ settings, staticToken: STATIC_TOKEN, log: services.log, refetchCooldownMs: 0 }),
  });
  return {
    idp,
    sandbox,
    services,
    http,
    audience,
    auditActors: () =>
      readFileSync(path.join(auditDir, "audit.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { actor: string }).actor),
    sessionFor: (token) => rawSession(http.url, { headers: { authorization: `Bearer ${token}` } }),
    toolCall: (token, session, name, args) =>
      raw(http.url, {
        headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, "mcp-session-id": session },
        body: rpc("tools/call", { name, arguments: args }, 7),
      }),
    async close() {
      await http.close();
      await services.close();
      await sandbox.close();
      await idp.close();
      rmSync(auditDir, { recursive: true, force: true });
    },
  };
}
