/**
 * OAuth tokens this server refuses (401 invalid_token, nothing reaching
 * VICIdial): expired, not yet valid, for another audience (as the provider
 * issues it for another resource), from another issuer, tampered, unsigned,
 * without a subject, not a JWT. And the issuer's keys: cached, fetched again
 * after a rotation; an issuer that cannot be reached is 503, not 401.
 */
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttp } from "../src/entry/http.js";
import { ALL, CLIENTS } from "./helpers/oidc.js";
import { MCP_HEADERS, raw, rpc } from "./http-helpers.js";
import { freePort, type OAuthRig, OTHER_AUDIENCE, startOAuthRig } from "./oauth-helpers.js";

let rig: OAuthRig;
beforeAll(async () => {
  rig = await startOAuthRig();
});
afterAll(async () => {
  await rig?.close();
});

describe("tokens that are refused (401 invalid_token, nothing reaches VICIdial)", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const good = () => ({ iss: rig.idp.issuer, aud: rig.audience, sub: "mallory", scope: ALL, iat: now(), exp: now() + 300 });

  async function refused(token: string, why: RegExp): Promise<void> {
    const before = rig.sandbox.stats().requests;
    const r = await raw(rig.http.url, { headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: rpc("initialize", {}, 1) });
    expect(r.status).toBe(401);
    const challenge = r.headers["www-authenticate"] ?? "";
    expect(challenge).toMatch(/error="invalid_token"/);
    expect(challenge).toMatch(why);
    expect(challenge).toContain("resource_metadata=");
    expect(rig.sandbox.stats().requests).toBe(before);
  }

  it("a well-signed token is accepted (the control for the cases below)", async () => {
    expect(await rig.sessionFor(await rig.idp.sign(good()))).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("expired", async () => {
    await refused(await rig.idp.sign({ ...good(), iat: now() - 7200, exp: now() - 3600 }), /expired/);
  });

  it("not valid yet (nbf in the future)", async () => {
    await refused(await rig.idp.sign({ ...good(), nbf: now() + 3600 }), /not valid yet/);
  });

  it("for another audience, as the provider issues it for another resource", async () => {
    const other = await rig.idp.clientToken(CLIENTS.pipeline, { resource: OTHER_AUDIENCE });
    expect(decodeJwt(other).aud).toBe(OTHER_AUDIENCE);
    await refused(other, /another audience/);
  });

  it("from another issuer, though signed with the right key", async () => {
    await refused(await rig.idp.sign({ ...good(), iss: "https://evil.example.com" }), /another issuer/);
  });

  it("tampered: a real token with its claims changed", async () => {
    const [h, p, s] = (await rig.idp.clientToken(CLIENTS.reader)).split(".");
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
    await refused(await rig.idp.sign(noSubject), /sub claim/);
    await refused("opaque-token-from-somewhere", /not a well-formed JWT/);
  });
});

describe("the issuer's keys", () => {
  it("are fetched once and cached across requests, and fetched again when a token names a new key (rotation)", async () => {
    const token = await rig.idp.clientToken(CLIENTS.pipeline);
    await rig.sessionFor(token);
    const fetched = rig.idp.jwksFetches();
    for (let i = 0; i < 5; i++) await rig.sessionFor(token);
    expect(rig.idp.jwksFetches()).toBe(fetched);
    await rig.idp.rotate();
    const rotated = await rig.idp.clientToken(CLIENTS.pipeline);
    expect((JSON.parse(Buffer.from(rotated.split(".")[0]!, "base64url").toString()) as { kid: string }).kid).toBe(rig.idp.currentKid());
    expect(await rig.sessionFor(rotated)).toMatch(/^[0-9a-f-]{36}$/);
    expect(rig.idp.jwksFetches()).toBe(fetched + 1);
    // Tokens signed with the old key still verify: it is still published.
    await rig.sessionFor(token);
    expect(rig.idp.jwksFetches()).toBe(fetched + 1);
  });
});

describe("an issuer that cannot be reached", () => {
  it("gets 503 with Retry-After, not 401: the token may be good, its keys cannot be had", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const other = await startHttp(rig.services, { host: "127.0.0.1", port: 0, token: "", oauth: { issuer: dead, audience: rig.audience } });
    try {
      const r = await raw(other.url, {
        headers: { ...MCP_HEADERS, authorization: `Bearer ${await rig.idp.sign({ sub: "x" })}` },
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
