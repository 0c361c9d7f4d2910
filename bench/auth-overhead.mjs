/**
 * Section 5 of `npm run bench`: what checking an OAuth access token costs per
 * call. The same `list_alt_urls` call over Streamable HTTP to two instances
 * of the built server, one without credentials (loopback) and one requiring
 * OAuth access tokens from a local issuer (keys fetched once, then cached),
 * call by call in turn; and the signature check alone, in process, with
 * jose against the same cached key set.
 */

import { spawn } from "node:child_process";
import http from "node:http";
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from "jose";
import { Agent, request } from "undici";
import { BASE_ENV, ENTRY, median, nowMs, percentile, ROOT, sandboxProcess } from "./lib.mjs";

function listen(server) {
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port)));
}

async function freePort() {
  const s = http.createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

/** A minimal issuer: its metadata and its key set, nothing else (the token is signed here). */
async function localIssuer() {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "bench", alg: "RS256", use: "sig" };
  let issuer = "";
  let jwksFetches = 0;
  const server = http.createServer((req, res) => {
    const json = (v) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(v));
    };
    if (req.url === "/.well-known/openid-configuration") return json({ issuer, jwks_uri: `${issuer}/jwks` });
    if (req.url === "/jwks") {
      jwksFetches++;
      return json({ keys: [jwk] });
    }
    res.writeHead(404).end();
  });
  issuer = `http://127.0.0.1:${await listen(server)}`;
  return {
    issuer,
    jwksFetches: () => jwksFetches,
    token: (audience) =>
      new SignJWT({ scope: "alturl:read alturl:write alturl:admin" })
        .setProtectedHeader({ alg: "RS256", kid: "bench", typ: "at+jwt" })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject("bench")
        .setIssuedAt()
        .setExpirationTime("2h")
        .sign(privateKey),
    close: () => new Promise((r) => server.close(r)),
  };
}

/** The built server with --http on `port`; resolves once it listens. */
function httpServer(port, env) {
  const child = spawn(process.execPath, [ENTRY, "--http", "--port", String(port)], {
    cwd: ROOT,
    env: { ...BASE_ENV, VICIDIAL_AUDIT_LOG: "off", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let err = "";
    child.stderr.on("data", (d) => {
      err += d.toString();
      if (/Listening on /.test(err))
        resolve({ url: `http://127.0.0.1:${port}/mcp`, close: () => (child.kill("SIGTERM"), new Promise((r) => child.on("exit", r))) });
    });
    child.on("exit", (code) => reject(new Error(`server exited ${code}: ${err}`)));
  });
}

/** A session on one server, and a function that makes one list_alt_urls call on it. */
async function session(url, token) {
  const agent = new Agent({ connections: 1, keepAliveTimeout: 30_000 });
  const headers = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  };
  const post = async (body, extra = {}) => {
    const res = await request(url, { method: "POST", headers: { ...headers, ...extra }, body: JSON.stringify(body), dispatcher: agent });
    return { status: res.statusCode, sid: res.headers["mcp-session-id"], text: await res.body.text() };
  };
  const init = await post({
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "bench", version: "1" } },
  });
  if (init.status !== 200) throw new Error(`initialize answered ${init.status}: ${init.text}`);
  const sid = { "mcp-session-id": init.sid };
  await post({ jsonrpc: "2.0", method: "notifications/initialized" }, sid);
  let id = 1;
  return {
    async call() {
      const r = await post(
        { jsonrpc: "2.0", id: ++id, method: "tools/call", params: { name: "list_alt_urls", arguments: { campaign_id: "2001" } } },
        sid,
      );
      if (r.status !== 200 || !r.text.includes('"alt_urls"'))
        throw new Error(`list_alt_urls answered ${r.status}: ${r.text.slice(0, 200)}`);
    },
    close: () => agent.close(),
  };
}

export async function authOverhead({ calls, log }) {
  log("token verification overhead ...");
  const sandbox = await sandboxProcess();
  const idp = await localIssuer();
  const vicidial = { VICIDIAL_URL: sandbox.url, VICIDIAL_USER: "6666", VICIDIAL_PASS: "sandbox1234" };
  const plainPort = await freePort();
  const oauthPort = await freePort();
  const audience = `http://127.0.0.1:${oauthPort}/mcp`;
  const token = await idp.token(audience);
  const servers = await Promise.all([
    httpServer(plainPort, vicidial),
    httpServer(oauthPort, { ...vicidial, MCP_OAUTH_ISSUER: idp.issuer, MCP_OAUTH_AUDIENCE: audience }),
  ]);
  const [plain, oauth] = [await session(servers[0].url, null), await session(servers[1].url, token)];
  try {
    for (let i = 0; i < 200; i++) await plain.call(), await oauth.call();
    // Call by call in turn, so a change in the machine's load hits both sides alike.
    const times = { plain: [], oauth: [] };
    for (let i = 0; i < calls; i++) {
      for (const [name, s] of i % 2
        ? [
            ["oauth", oauth],
            ["plain", plain],
          ]
        : [
            ["plain", plain],
            ["oauth", oauth],
          ]) {
        const t = nowMs();
        await s.call();
        times[name].push(nowMs() - t);
      }
    }
    // The signature and claims check alone, as the server does it, against the same (cached) key set.
    const keys = createRemoteJWKSet(new URL(`${idp.issuer}/jwks`));
    const check = () => jwtVerify(token, keys, { issuer: idp.issuer, audience, algorithms: ["RS256"] });
    for (let i = 0; i < 500; i++) await check();
    const n = 5000;
    const t0 = nowMs();
    for (let i = 0; i < n; i++) await check();
    const verifyUs = ((nowMs() - t0) / n) * 1000;
    return {
      calls: times.plain.length,
      plain: { median: median(times.plain), p90: percentile(times.plain, 90) },
      oauth: { median: median(times.oauth), p90: percentile(times.oauth, 90) },
      overhead: median(times.oauth) - median(times.plain),
      verifyUs,
      // Our own check above fetched the key set once too.
      serverJwksFetches: idp.jwksFetches() - 1,
    };
  } finally {
    await plain.close();
    await oauth.close();
    await Promise.all(servers.map((s) => s.close()));
    await idp.close();
    await sandbox.close();
  }
}
