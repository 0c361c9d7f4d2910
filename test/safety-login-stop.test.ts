/**
 * Issue 8 items 2-4: the stop after a failed login really stops. VICIdial
 * locks a user after ten failed logins within 15 minutes of a good one, and
 * every request with a wrong password is one. What is guaranteed:
 * - before a login is proven, one request at a time, each answer judged before
 *   the next leaves: a wrong password costs one failed login, whatever the
 *   callers do, over stdio, over HTTP and in `doctor`;
 * - an answer lost after VICIdial may have counted it is never retried: at
 *   most one failed login per call;
 * - a password changed at VICIdial after a good login costs at most the
 *   requests already in flight, VICIDIAL_MAX_CONCURRENCY, never a lock.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config/env.js";
import { createServices } from "../src/domain/runtime.js";
import { startHttp } from "../src/entry/http.js";
import { defaultSeed, type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { APPLYING_MODES } from "./faults-helpers.js";
import { type CallResult, call, inProcess, runCli, type Spawned, spawnStdio } from "./helpers/harness.js";

const USER = "gateuser";
const PASS = "Gate-pass-1";

let sandbox: Sandbox;
beforeAll(async () => {
  const seed = defaultSeed();
  seed.users.push({ ...seed.users.find((u) => u.user === "6666")!, user: USER, pass: PASS, note: "" });
  sandbox = await startSandbox({ seed });
});
afterAll(() => sandbox.close());

const failed = () => sandbox.stats().failedLogins[USER] ?? 0;

/** Whether VICIdial still lets the user in with this password (not locked out). */
async function logsIn(pass: string): Promise<boolean> {
  const q = new URLSearchParams({ source: "test", user: USER, pass, function: "campaigns_list" });
  const body = await (await fetch(`${sandbox.url}/vicidial/non_agent_api.php?${q.toString()}`)).text();
  return !/LOCK|Login incorrect|INVALID USERNAME/.test(body);
}

function reset(pass = PASS): void {
  sandbox.setPassword(USER, pass);
  sandbox.resetFailedLogins(USER);
  sandbox.setFaults([]);
}

describe("item 2: the password changes at VICIdial after a good login", () => {
  it.each([
    { calls: 8, concurrency: undefined },
    { calls: 40, concurrency: undefined },
    { calls: 40, concurrency: "2" },
  ])(
    "$calls parallel calls (VICIDIAL_MAX_CONCURRENCY=$concurrency) cost at most the requests in flight, and no lock",
    async ({ calls, concurrency }) => {
      reset();
      const cap = Number(concurrency ?? 4);
      const h = await inProcess({
        useSandbox: sandbox,
        env: { VICIDIAL_USER: USER, VICIDIAL_PASS: PASS, ...(concurrency ? { VICIDIAL_MAX_CONCURRENCY: concurrency } : {}) },
      });
      try {
        expect((await call(h.client, "list_alt_urls", { campaign_id: "2001" })).isError).toBe(false);
        sandbox.setPassword(USER, "changed-by-an-admin");
        const results = await Promise.all(
          Array.from({ length: calls }, (_, i) => call(h.client, "list_alt_urls", { campaign_id: ["2001", "2002", "3001"][i % 3]! })),
        );
        expect(results.every((r) => r.isError)).toBe(true);
        expect(new Set(results.map((r) => r.structured.error!.code))).toEqual(new Set(["AUTH_FAILED"]));
        expect(failed()).toBeGreaterThanOrEqual(1);
        expect(failed()).toBeLessThanOrEqual(cap);
        // Nothing more leaves: a later call costs nothing.
        await call(h.client, "list_campaigns");
        expect(failed()).toBeLessThanOrEqual(cap);
        expect(await logsIn("changed-by-an-admin")).toBe(true);
      } finally {
        await h.close();
        reset();
      }
    },
  );
});

describe("item 3: a wrong password, and answers lost after VICIdial counted them", () => {
  it.each(
    APPLYING_MODES.flatMap((mode) => [
      { mode, parallel: false },
      { mode, parallel: true },
    ]),
  )("$mode (parallel: $parallel): 4 calls cost at most 4 failed logins, and nothing is sent twice", async ({ mode, parallel }) => {
    reset();
    const h = await inProcess({ useSandbox: sandbox, env: { VICIDIAL_USER: USER, VICIDIAL_PASS: "wrong-pass-9" } });
    try {
      sandbox.resetStats();
      sandbox.setFaults([{ mode, match: { path: "api" } }]);
      const one = () => call(h.client, "list_alt_urls", { campaign_id: "2001" });
      const results: CallResult[] = parallel ? await Promise.all([one(), one(), one(), one()]) : [];
      if (!parallel) for (let i = 0; i < 4; i++) results.push(await one());
      expect(results.every((r) => r.isError)).toBe(true);
      const sent = sandbox.stats().log.length;
      expect(failed()).toBeLessThanOrEqual(4);
      // Each call sent one request at most: none was retried.
      expect(sent).toBeLessThanOrEqual(4);
      expect(failed()).toBe(sent);
      sandbox.setFaults([]);
      expect(await logsIn(PASS)).toBe(true);
    } finally {
      await h.close();
      reset();
    }
  });
});

/** Two first calls at once on a server that has not logged in yet, with a wrong password. */
const PAIRS: [string, [string, string]][] = [
  ["list_campaigns with check_connection", ["list_campaigns", "check_connection"]],
  ["two check_connection", ["check_connection", "check_connection"]],
];

describe.each(PAIRS)("item 4 over stdio: %s at once, wrong password", (_name, tools) => {
  let srv: Spawned;
  beforeAll(async () => {
    reset();
    srv = await spawnStdio({ VICIDIAL_URL: sandbox.url, VICIDIAL_USER: USER, VICIDIAL_PASS: "wrong-pass-9" });
  });
  afterAll(async () => {
    await srv.close();
    reset();
  });

  it("cost exactly one failed login, and every later call costs none", async () => {
    const [a, b] = await Promise.all(tools.map((t) => call(srv.client, t)));
    expect(failed()).toBe(1);
    for (const r of [a!, b!]) expect(JSON.stringify(r.structured)).toMatch(/AUTH_FAILED/);
    await Promise.all([
      call(srv.client, "list_ingroups"),
      call(srv.client, "list_alt_urls", { campaign_id: "SALESLINE", entry_type: "ingroup" }),
    ]);
    expect(failed()).toBe(1);
  });
});

describe.each(PAIRS)("item 4 over Streamable HTTP: %s at once, wrong password", (_name, tools) => {
  it("cost exactly one failed login, also from two sessions", async () => {
    reset();
    const config = loadConfig({ VICIDIAL_URL: sandbox.url, VICIDIAL_USER: USER, VICIDIAL_PASS: "wrong-pass-9", VICIDIAL_AUDIT_LOG: "off" });
    const services = createServices(config, sandbox.url, { sandbox: false, logLevel: "error" });
    const http = await startHttp(services, { host: "127.0.0.1", port: 0, token: "" });
    const clients = [new Client({ name: "a", version: "1" }), new Client({ name: "b", version: "1" })];
    try {
      await Promise.all(clients.map((c) => c.connect(new StreamableHTTPClientTransport(new URL(http.url)))));
      const results = await Promise.all([call(clients[0]!, tools[0]), call(clients[1]!, tools[1])]);
      for (const r of results) expect(JSON.stringify(r.structured)).toMatch(/AUTH_FAILED/);
      expect(failed()).toBe(1);
    } finally {
      await Promise.all(clients.map((c) => c.close().catch(() => {})));
      await http.close();
      await services.close();
      reset();
    }
  });
});

describe("item 4: doctor with a wrong password", () => {
  it("costs exactly one failed login and exits 1 with the login fix", async () => {
    reset();
    const r = await runCli(["doctor"], { VICIDIAL_URL: sandbox.url, VICIDIAL_USER: USER, VICIDIAL_PASS: "wrong-pass-9" });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[FAIL\] login: AUTH_FAILED/);
    expect(failed()).toBe(1);
    reset();
  });
});
