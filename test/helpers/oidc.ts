/**
 * A real OpenID provider (the `oidc-provider` package) on loopback, set up
 * the way an organisation would for this server: JWT access tokens for a
 * resource (resource indicators, the token's `aud`), the client credentials
 * grant for pipelines, and the authorization code grant with PKCE (required)
 * and dynamic client registration for interactive MCP clients. Its login and
 * consent screens are replaced by an automatic "alice signs in and agrees",
 * so a test plays the browser with plain HTTP requests.
 *
 * The signing keys are made here, so a test can also sign tokens the
 * provider would never issue (expired, another issuer) with the very key it
 * publishes, and `rotate()` restarts the provider with a new key, as an
 * issuer rotating its keys does.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";
import Provider, { errors } from "oidc-provider";

export const USER = "alice";
export const ALL = "alturl:read alturl:write alturl:admin";

export interface IdpClient {
  id: string;
  secret: string;
  scope: string;
}

/** Pipelines' clients: one with every scope, one that may only read, one that may write but not delete. */
export const CLIENTS = {
  pipeline: { id: "pipeline", secret: "pipeline-secret-0123456789abcdef", scope: ALL },
  reader: { id: "reader", secret: "reader-secret-0123456789abcdef", scope: "alturl:read" },
  writer: { id: "writer", secret: "writer-secret-0123456789abcdef", scope: "alturl:read alturl:write" },
} satisfies Record<string, IdpClient>;

interface SigningKey {
  kid: string;
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
  jwk: JWK;
}

async function newKey(kid: string): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(privateKey)), kid, alg: "RS256", use: "sig" } };
}

export interface Idp {
  issuer: string;
  /** Requests for the key set (the provider's jwks_uri) so far. */
  jwksFetches(): number;
  /** A token from the token endpoint (client credentials), for `resource` (default: the audience). */
  clientToken(client: IdpClient, opts?: { resource?: string; scope?: string }): Promise<string>;
  /** A token signed with the provider's current key, with any claims: for cases the provider would never issue. */
  sign(claims: JWTPayload, opts?: { kid?: string }): Promise<string>;
  /** Follows an authorization URL as alice's browser would; resolves with the code sent to the redirect URI. */
  authorize(authorizationUrl: URL): Promise<string>;
  /** Restarts the provider with a new signing key (the old one still published, as rotations do). */
  rotate(): Promise<void>;
  /** The kid tokens are signed with now. */
  currentKid(): string;
  close(): Promise<void>;
}

export async function startIdp(opts: { audiences: string[] }): Promise<Idp> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const keys = [await newKey("key-1")];
  let jwksFetches = 0;

  const build = () => {
    const provider = new Provider(issuer, {
      jwks: { keys: keys.map((k) => k.jwk) },
      cookies: { keys: ["cookie-signing-key-for-tests-only"] },
      clients: Object.values(CLIENTS).map((c) => ({
        client_id: c.id,
        client_secret: c.secret,
        grant_types: ["client_credentials"],
        response_types: [],
        redirect_uris: [],
        scope: c.scope,
      })),
      scopes: ["openid", "offline_access", "alturl:read", "alturl:write", "alturl:admin"],
      pkce: { required: () => true },
      findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
      features: {
        devInteractions: { enabled: false },
        registration: { enabled: true },
        clientCredentials: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => opts.audiences[0]!,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx, resource) => {
            if (!opts.audiences.includes(resource)) throw new errors.InvalidTarget();
            return { scope: ALL, audience: resource, accessTokenTTL: 600, accessTokenFormat: "jwt", jwt: { sign: { alg: "RS256" } } };
          },
        },
      },
    });
    return provider;
  };
  let provider = build();

  server.on("request", async (req, res) => {
    try {
      if (req.url?.startsWith("/jwks")) jwksFetches++;
      if (req.url?.startsWith("/interaction/")) {
        // The login and consent screens: alice signs in and grants what was asked, for the resource asked.
        const details = await provider.interactionDetails(req, res);
        const params = details.params as { client_id: string; scope?: string; resource?: string | string[] };
        const grant = new provider.Grant({ accountId: USER, clientId: params.client_id });
        // The scopes are the provider's own (listed in `scopes`) and the resource's: granted as both.
        grant.addOIDCScope(params.scope ?? ALL);
        const resources = [params.resource ?? opts.audiences[0]!].flat();
        for (const r of resources) grant.addResourceScope(r, params.scope ?? ALL);
        const grantId = await grant.save();
        await provider.interactionFinished(
          req,
          res,
          { login: { accountId: USER }, consent: { grantId } },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      provider.callback()(req, res);
    } catch (err) {
      res.writeHead(500, { "content-type": "text/plain" });
      res.end(String((err as Error)?.stack ?? err));
    }
  });

  async function clientToken(client: IdpClient, o: { resource?: string; scope?: string } = {}): Promise<string> {
    const body = new URLSearchParams({
      grant_type: "client_credentials",
      scope: o.scope ?? client.scope,
      resource: o.resource ?? opts.audiences[0]!,
    });
    const res = await fetch(`${issuer}/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body,
    });
    const json = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
    if (!json.access_token) throw new Error(`token endpoint: ${res.status} ${json.error}: ${json.error_description}`);
    return json.access_token;
  }

  async function authorize(url: URL): Promise<string> {
    const jar = new Map<string, string>();
    let next = url.toString();
    for (let hop = 0; hop < 10; hop++) {
      const res = await fetch(next, { redirect: "manual", headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") } });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(";");
        const at = pair!.indexOf("=");
        jar.set(pair!.slice(0, at), pair!.slice(at + 1));
      }
      const location = res.headers.get("location");
      if (!location) throw new Error(`the authorization flow stopped at ${next}: ${res.status} ${await res.text()}`);
      const target = new URL(location, next);
      const code = target.searchParams.get("code");
      if (code && !target.toString().startsWith(issuer)) return code;
      const error = target.searchParams.get("error");
      if (error) throw new Error(`authorization refused: ${error}: ${target.searchParams.get("error_description")}`);
      next = target.toString();
    }
    throw new Error("too many redirects in the authorization flow");
  }

  return {
    issuer,
    jwksFetches: () => jwksFetches,
    clientToken,
    sign: (claims, o = {}) => {
      const key = keys.find((k) => k.kid === (o.kid ?? keys[0]!.kid))!;
      return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "at+jwt" }).sign(key.privateKey);
    },
    authorize,
    async rotate() {
      keys.unshift(await newKey(`key-${keys.length + 1}`));
      provider = build();
    },
    currentKid: () => keys[0]!.kid,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
