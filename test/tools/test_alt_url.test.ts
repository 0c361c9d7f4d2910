import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { USER_AGENT } from "../../src/domain/prober.js";
import { defaultSeed } from "../../src/sandbox/index.js";
import { call, type InProcess, inProcess } from "../helpers/harness.js";
import { type Target, target } from "../helpers/webTarget.js";

function crm(req: IncomingMessage, res: ServerResponse, port: number): void {
  const path = (req.url ?? "/").split("?")[0];
  const redirect = (status: number, location: string): void => void res.writeHead(status, { location }).end();
  switch (path) {
    case "/ok":
      return void res.writeHead(200, { "content-type": "text/plain" }).end("OK lead recorded");
    case "/fail":
      return void res.writeHead(500, { "content-type": "text/html" }).end("<h1>Internal Server Error</h1>");
    case "/echo":
      return void res.writeHead(200).end(`${req.method} ${req.url} UA=${req.headers["user-agent"]}`);
    case "/r1":
      return redirect(302, "/r2");
    case "/r2":
      return redirect(301, `http://127.0.0.1:${port}/ok`);
    case "/away":
      return redirect(302, `http://localhost:${port}/ok`);
    case "/big":
      return void res.writeHead(200).end("x".repeat(200 * 1024));
    case "/hang":
      return; // never answers
    default:
      return void res.writeHead(404).end("not found");
  }
}

describe("test_alt_url through the MCP server", () => {
  let web: Target;
  let h: InProcess;
  const base = () => `http://127.0.0.1:${web.port}`;
  // apiuser's password cannot collide with port numbers in results (the redactor masks it everywhere).
  const env = { VICIDIAL_USER: "apiuser", VICIDIAL_PASS: "apipass8" };

  beforeAll(async () => {
    web = await target("127.0.0.1", crm);
    const seed = defaultSeed();
    seed.vicidial_url_multi[0]!.url_address = `http://127.0.0.1:${web.port}/echo?lead=--A--lead_id--B--&status=--A--dispo--B--`;
    seed.vicidial_url_multi.find((r) => r.url_id === 104)!.url_address = `http://127.0.0.1:${web.port}/echo?drop=--A--lead_id--B--`;
    h = await inProcess({ env, sandbox: { seed } });
    await h.client.listTools(); // the client then checks every structuredContent against the output schema
  });
  afterAll(async () => {
    await h.close();
    await web.close();
  });

  it("is an open-world write that is not read-only, and is not registered in read-only mode", async () => {
    const tool = (await h.client.listTools()).tools.find((t) => t.name === "test_alt_url")!;
    expect(tool.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true });
    const ro = await inProcess({ useSandbox: h.sandbox, env: { ...env, VICIDIAL_READ_ONLY: "true" } });
    try {
      expect((await ro.client.listTools()).tools.map((t) => t.name)).not.toContain("test_alt_url");
    } finally {
      await ro.close();
    }
  });

  it("reports 200 as ok and 500 as not ok, with the time, the answer's start and the note about VICIdial's network", async () => {
    const ok = await call(h.client, "test_alt_url", { url: `${base()}/ok`, allow_private: true });
    expect(ok.isError).toBe(false);
    expect(ok.structured).toMatchObject({
      status: 200,
      ok: true,
      failure: null,
      redirects: [],
      final_url: `${base()}/ok`,
      body_preview: "OK lead recorded",
      tls_error: null,
    });
    expect(ok.structured.time_ms).toBeGreaterThanOrEqual(0);
    expect(ok.structured.note).toContain("VICIdial fetches");
    expect(ok.text).toContain("answered HTTP 200");

    const bad = await call(h.client, "test_alt_url", { url: `${base()}/fail`, allow_private: true });
    expect(bad.isError).toBe(false);
    expect(bad.structured).toMatchObject({ status: 500, ok: false });
    expect(bad.structured.body_preview).toContain("Internal Server Error");
    expect(bad.text).toContain("HTTP 500");
  });

  it("fills template variables like VICIdial (PHP urlencode), lists the missing ones, and sends one GET with a VICIdial-like user agent", async () => {
    const r = await call(h.client, "test_alt_url", {
      url: `${base()}/echo?lead=--A--lead_id--B--&name=--A--first_name--B--&mail=--A--email--B--`,
      sample_lead: { lead_id: 1001, first_name: "Zoë Ann&Co" },
      allow_private: true,
    });
    expect(r.structured.requested_url).toBe(`${base()}/echo?lead=1001&name=Zo%C3%AB+Ann%26Co&mail=`);
    expect(r.structured.missing_variables).toEqual(["email"]);
    expect(r.structured.body_preview).toBe(`GET /echo?lead=1001&name=Zo%C3%AB+Ann%26Co&mail= UA=${USER_AGENT}`);
  });

  it("tests a stored Alt URL by campaign_id and id", async () => {
    const r = await call(h.client, "test_alt_url", {
      campaign_id: "2001",
      id: 1,
      sample_lead: { lead_id: 77, dispo: "SALE" },
      allow_private: true,
    });
    expect(r.isError).toBe(false);
    expect(r.structured).toMatchObject({ status: 200, ok: true, requested_url: `${base()}/echo?lead=77&status=SALE` });
    const both = await call(h.client, "test_alt_url", { url: `${base()}/ok`, campaign_id: "2001", id: 1 });
    expect(both.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "url" });
  });

  it("tests a stored list or in-group Alt URL read through the admin page, and says when the id is not that entry's", async () => {
    const r = await call(h.client, "test_alt_url", {
      campaign_id: 101,
      entry_type: "list",
      url_type: "noagent",
      id: 104,
      sample_lead: { lead_id: 5 },
      allow_private: true,
    });
    expect(r.structured).toMatchObject({ status: 200, ok: true, requested_url: `${base()}/echo?drop=5` });
    const wrong = await call(h.client, "test_alt_url", { campaign_id: "SALESLINE", entry_type: "ingroup", id: 104, allow_private: true });
    expect(wrong.structured.error).toMatchObject({ code: "ALT_URL_NOT_FOUND" });
  });

  it("with allow_private reaches the loopback address named, but follows no redirect from it, not even to the same address", async () => {
    const before = web.hits.length;
    const r = await call(h.client, "test_alt_url", { url: `${base()}/r1`, allow_private: true });
    expect(r.isError).toBe(false);
    expect(r.structured).toMatchObject({
      ok: false,
      status: 302,
      failure: "REDIRECT_REFUSED",
      final_url: `${base()}/r1`,
      stopped_at: `${base()}/r2`,
      redirects: [{ status: 302, location: `${base()}/r2` }],
    });
    expect(r.structured.error_detail).toContain("even with allow_private");
    expect(web.hits.slice(before)).toEqual(["/r1"]);
  });

  it("gives up on a target that never answers within timeout_ms, as a result rather than an error", async () => {
    const started = Date.now();
    const r = await call(h.client, "test_alt_url", { url: `${base()}/hang`, allow_private: true, timeout_ms: 300 });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r.isError).toBe(false);
    expect(r.structured).toMatchObject({ ok: false, status: null, failure: "TIMEOUT" });
    expect(r.structured.error_detail).toContain("300 ms");
    expect(r.structured.time_ms as number).toBeLessThan(2000);
  });

  it("reports a refused connection as a result", async () => {
    const closed = await target("127.0.0.1", crm);
    const port = closed.port;
    await closed.close();
    const r = await call(h.client, "test_alt_url", { url: `http://127.0.0.1:${port}/ok`, allow_private: true });
    expect(r.isError).toBe(false);
    expect(r.structured).toMatchObject({ ok: false, failure: "CONNECTION_REFUSED" });
  });

  it("refuses loopback without allow_private, naming the argument and the fix", async () => {
    const before = web.hits.length;
    const r = await call(h.client, "test_alt_url", { url: `${base()}/ok` });
    expect(r.isError).toBe(true);
    expect(r.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "allow_private" });
    expect(r.structured.error!.message).toContain("loopback");
    expect(r.structured.error!.fix).toContain("allow_private: true");
    expect(web.hits.length).toBe(before);
  });

  it("reads at most 64 KB of the answer and previews 500 characters", async () => {
    const r = await call(h.client, "test_alt_url", { url: `${base()}/big`, allow_private: true });
    expect(r.structured).toMatchObject({ status: 200, ok: true, body_bytes: 65536, body_truncated: true });
    expect(r.structured.body_preview).toHaveLength(500);
  });

  it("keeps to VICIDIAL_ALLOWED_URL_HOSTS, for the URL and for every redirect", async () => {
    const limited = await inProcess({ useSandbox: h.sandbox, env: { ...env, VICIDIAL_ALLOWED_URL_HOSTS: "crm.example.com" } });
    try {
      await limited.client.listTools();
      const r = await call(limited.client, "test_alt_url", { url: `${base()}/ok`, allow_private: true });
      expect(r.structured.error).toMatchObject({ code: "INVALID_INPUT", field: "url" });
      expect(r.structured.error!.message).toContain("VICIDIAL_ALLOWED_URL_HOSTS");
    } finally {
      await limited.close();
    }
    const local = await inProcess({ useSandbox: h.sandbox, env: { ...env, VICIDIAL_ALLOWED_URL_HOSTS: "127.0.0.1" } });
    try {
      await local.client.listTools();
      const r = await call(local.client, "test_alt_url", { url: `${base()}/away`, allow_private: true });
      expect(r.isError).toBe(false);
      expect(r.structured).toMatchObject({
        ok: false,
        failure: "REDIRECT_REFUSED",
        status: 302,
        final_url: `${base()}/away`,
        stopped_at: `http://localhost:${web.port}/ok`,
      });
      expect(r.structured.error_detail).toContain("VICIDIAL_ALLOWED_URL_HOSTS");
    } finally {
      await local.close();
    }
  });
});
