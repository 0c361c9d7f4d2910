/**
 * This server as an OAuth 2.1 resource server: every request carries a JWT
 * access token from MCP_OAUTH_ISSUER, verified with jose against the keys the
 * issuer publishes. The keys' address comes from the issuer's metadata
 * (`/.well-known/openid-configuration`, else RFC 8414's
 * `/.well-known/oauth-authorization-server`), read once and again only after
 * a failure; the key set is cached (10 minutes) and fetched again when a
 * token names a key id it does not hold (the issuer rotated its keys), at
 * most every 30 s.
 *
 * Checked: the signature (asymmetric algorithms only: an unsigned `alg: none`
 * token or one "signed" with a shared secret is refused), `iss`, `aud`
 * (MCP_OAUTH_AUDIENCE), `exp` and `nbf` (30 s of clock skew allowed), and a
 * subject. The subject is the caller's actor (the audit log's `actor`, the
 * rate limits' key); the `scope` (or `scp`) claim decides which tools it sees
 * and may call. Opaque (non-JWT) access tokens are not supported: the
 * authorization server must issue JWT access tokens for this audience.
 *
 * MCP_HTTP_TOKEN, when set too, still works: that one shared secret is the
 * actor `token`, with every tool.
 */
import type http from "node:http";
import { createRemoteJWKSet, errors, type JWTPayload, jwtVerify } from "jose";
import type { Logger } from "../common/log.js";
import { type Authenticator, bearerOf, type Caller, callerFor, type Refusal, sameSecret } from "./httpGate.js";
import type { OAuthSettings } from "./oauthConfig.js";
import { ProtectedResource } from "./protectedResource.js";

/** Signature algorithms accepted: public-key ones only. */
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];
const CLOCK_TOLERANCE_S = 30;
const FETCH_TIMEOUT_MS = 5000;

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/** The addresses an issuer's metadata may be at, in the order tried. */
export function metadataUrls(issuer: string): string[] {
  const u = new URL(issuer);
  const path = u.pathname.replace(/\/+$/, "");
  return [
    `${u.origin}${path}/.well-known/openid-configuration`,
    `${u.origin}/.well-known/oauth-authorization-server${path}`,
    ...(path ? [`${u.origin}/.well-known/openid-configuration${path}`] : []),
  ];
}

/** Why the server could not check a token at all (the issuer unreachable): 503, not the caller's fault. */
class IssuerUnavailable extends Error {}

export class TokenVerifier {
  private keys: Promise<KeySet> | null = null;

  constructor(
    readonly settings: OAuthSettings,
    private readonly log: Logger,
    /** Least time between two fetches of the key set for an unknown key id; tests shorten it. */
    private readonly refetchCooldownMs = 30_000,
  ) {}

  /** Reads the issuer's metadata now (at start), so a misconfigured issuer shows in the log before any request. */
  async warmUp(): Promise<void> {
    try {
      await this.keySet();
    } catch (err) {
      this.log.warn(`OAuth: ${(err as Error).message}; requests will be answered 503 until it answers`);
    }
  }

  /** The verified claims of a token; throws jose's errors for a bad token, IssuerUnavailable otherwise. */
  async verify(token: string): Promise<JWTPayload> {
    const keys = await this.keySet();
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ["exp", "sub"],
      });
      return payload;
    } catch (err) {
      // A network failure, a timeout, a key set that is no key set, a non-200 answer (jose's generic error).
      const keysUnreadable =
        !(err instanceof errors.JOSEError) ||
        err instanceof errors.JWKSTimeout ||
        err instanceof errors.JWKSInvalid ||
        err.code === "ERR_JOSE_GENERIC";
      if (keysUnreadable) {
        throw new IssuerUnavailable(`the issuer's keys could not be fetched: ${(err as Error).message}`);
      }
      throw err;
    }
  }

  private keySet(): Promise<KeySet> {
    this.keys ??= this.discover().catch((err: unknown) => {
      // Forget the failure: the next request tries again.
      this.keys = null;
      throw err;
    });
    return this.keys;
  }

  private async discover(): Promise<KeySet> {
    const { issuer } = this.settings;
    const problems: string[] = [];
    for (const url of metadataUrls(issuer)) {
      let meta: { issuer?: unknown; jwks_uri?: unknown };
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: "application/json" } });
        if (!res.ok) {
          problems.push(`${url}: HTTP ${res.status}`);
          continue;
        }
        meta = (await res.json()) as typeof meta;
      } catch (err) {
        problems.push(`${url}: ${(err as Error).message}`);
        continue;
      }
      if (meta.issuer !== issuer) {
        throw new IssuerUnavailable(
          `the metadata at ${url} names the issuer "${String(meta.issuer)}", not MCP_OAUTH_ISSUER "${issuer}" (they must be equal, character for character)`,
        );
      }
      if (typeof meta.jwks_uri !== "string") throw new IssuerUnavailable(`the metadata at ${url} has no jwks_uri`);
      this.log.info(`OAuth: tokens from ${issuer} are checked against the keys at ${meta.jwks_uri}`);
      return createRemoteJWKSet(new URL(meta.jwks_uri), {
        timeoutDuration: FETCH_TIMEOUT_MS,
        cooldownDuration: this.refetchCooldownMs,
        cacheMaxAge: 600_000,
      });
    }
    throw new IssuerUnavailable(`the issuer's metadata could not be read (${problems.join("; ")})`);
  }
}

/** The scopes a token's claims grant: `scope` (a space-separated string) or `scp` (a string or a list). */
export function scopesOfClaims(payload: JWTPayload): string[] {
  const raw = payload.scope ?? payload.scp;
  if (typeof raw === "string") return raw.split(/\s+/).filter(Boolean);
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === "string");
  return [];
}

/** Why jose refused a token, for the caller (error_description) and the log. */
function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return "the token has expired";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "iss") return "the token is from another issuer";
    if (err.claim === "aud") return "the token is for another audience (its aud is not this server)";
    if (err.claim === "nbf") return "the token is not valid yet (nbf)";
    return `the token's ${err.claim} claim is missing or wrong`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed)
    return "the token's algorithm is not accepted (unsigned or shared-secret tokens are refused)";
  if (err instanceof errors.JWSSignatureVerificationFailed) return "the token's signature does not verify";
  if (err instanceof errors.JWKSNoMatchingKey) return "the token is signed with a key the issuer does not publish";
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return "the token is not a well-formed JWT access token";
  return `the token was refused (${(err as Error)?.message ?? String(err)})`;
}

/**
 * The authenticator for `--http` with MCP_OAUTH_ISSUER: a valid access token
 * makes its subject the caller, with its scopes; MCP_HTTP_TOKEN (when set)
 * the actor `token`, unscoped.
 */
export function oauthAuthenticator(opts: {
  settings: OAuthSettings;
  staticToken: string;
  log: Logger;
  refetchCooldownMs?: number;
}): Authenticator & {
  resource: ProtectedResource;
  verifier: TokenVerifier;
} {
  const resource = new ProtectedResource(opts.settings);
  const verifier = new TokenVerifier(opts.settings, opts.log, opts.refetchCooldownMs);
  const withToken = callerFor("token");
  const refuse = (why?: string): Refusal => ({
    status: 401,
    message:
      why === undefined
        ? `Unauthorized: send Authorization: Bearer <access token from ${opts.settings.issuer}> (see ${resource.metadataUrl})`
        : `Unauthorized: ${why}`,
    headers: { "www-authenticate": resource.unauthorized(why) },
  });
  return {
    requiresCredential: true,
    resource,
    verifier,
    warmUp: () => verifier.warmUp(),
    async identify(req: http.IncomingMessage): Promise<Caller | Refusal> {
      const given = bearerOf(req);
      if (given === null) return refuse();
      if (opts.staticToken && sameSecret(given, opts.staticToken)) return withToken;
      let payload: JWTPayload;
      try {
        payload = await verifier.verify(given);
      } catch (err) {
        if (err instanceof IssuerUnavailable) {
          opts.log.warn(`OAuth: ${err.message}`);
          return {
            status: 503,
            message: `Service unavailable: cannot check access tokens now: ${err.message}`,
            headers: { "retry-after": "5" },
          };
        }
        const why = describe(err);
        opts.log.debug(`OAuth: refused a token: ${why}`);
        return refuse(why);
      }
      const actor = String(payload.sub);
      const clientId = typeof payload.client_id === "string" ? payload.client_id : typeof payload.azp === "string" ? payload.azp : actor;
      return {
        actor,
        authInfo: {
          // The token itself never travels further than this check.
          token: "",
          clientId,
          scopes: scopesOfClaims(payload),
          expiresAt: payload.exp,
          resource: new URL(opts.settings.audience),
          extra: { actor, scoped: true },
        },
      };
    },
  };
}
