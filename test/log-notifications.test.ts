/**
 * The server's warnings and errors reach MCP clients as log messages
 * (notifications/message), at the level each client set with
 * logging/setLevel (warning and above until it sets one), secrets masked,
 * for every connected session and only while it is connected.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { createServer } from "../src/server/createServer.js";
import { call, type InProcess } from "./helpers/harness.js";
import { open, SECRET, waitFor } from "./safety-helpers.js";

interface Logged {
  level: string;
  logger?: string;
  data: unknown;
}

let h: InProcess | null = null;
const extra: { close(): Promise<void> }[] = [];
const folders: string[] = [];
afterEach(async () => {
  for (const c of extra.splice(0)) await c.close();
  await h?.close();
  h = null;
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

/** One more client session on the same services (as over HTTP, several sessions share one log). */
async function session(services: InProcess["services"]): Promise<{ client: Client; logged: Logged[]; close(): Promise<void> }> {
  const server = createServer(services);
  const client = new Client({ name: "log-test", version: "1.0.0" });
  const logged: Logged[] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logged.push(n.params as Logged));
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(b)]);
  const s = { client, logged, close: () => client.close().then(() => server.close()) };
  extra.push(s);
  return s;
}

describe("log messages to MCP clients", () => {
  it("an audit log that cannot be written reaches the client as a warning, with no password in it", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "alturl-audit-"));
    folders.push(dir);
    // A folder where the audit file should be: every append fails.
    h = await open({ env: { VICIDIAL_AUDIT_LOG: dir } });
    const s = await session(h.services);
    const r = await call(s.client, "set_alt_url", { campaign_id: "2001", statuses: ["LOGT"], url: "https://crm.example.com/log" });
    expect(r.isError, r.text).toBe(false);
    await waitFor(() => s.logged.some((l) => /audit log/.test(String(l.data))), 5000, "the audit warning");
    const warning = s.logged.find((l) => /audit log/.test(String(l.data)))!;
    expect(warning).toMatchObject({ level: "warning", logger: "vicidial-alturl-mcp" });
    expect(JSON.stringify(s.logged)).not.toContain(SECRET);
  });

  it("masks secrets, and sends warning and above until the client sets a level, then what it set", async () => {
    h = await open();
    const s = await session(h.services);
    const log = h.services.log;
    log.info("an info line");
    log.warn(
      `a lost answer to GET /vicidial/non_agent_api.php?user=u&pass=${SECRET}&function=version, and VICIdial said: Login incorrect, please try again: |u|${SECRET}|BAD|`,
    );
    log.error("an error line");
    await waitFor(() => s.logged.length >= 2, 2000, "two messages");
    expect(s.logged.map((l) => [l.level, l.data])).toEqual([
      [
        "warning",
        "a lost answer to GET /vicidial/non_agent_api.php?user=u&pass=***&function=version, and VICIdial said: Login incorrect, please try again: |u|***|BAD|",
      ],
      ["error", "an error line"],
    ]);

    await s.client.setLoggingLevel("error");
    s.logged.length = 0;
    log.warn("a warning the client does not want");
    log.error("an error it does");
    await waitFor(() => s.logged.length >= 1, 2000, "the error");
    expect(s.logged.map((l) => l.data)).toEqual(["an error it does"]);

    await s.client.setLoggingLevel("debug");
    s.logged.length = 0;
    log.debug("a debug line");
    await waitFor(() => s.logged.length >= 1, 2000, "the debug line");
    expect(s.logged).toEqual([{ level: "debug", logger: "vicidial-alturl-mcp", data: "a debug line" }]);
  });

  it("goes to every connected session, and a closed session is unsubscribed", async () => {
    h = await open();
    const subscribe = h.services.log.subscribe.bind(h.services.log);
    let active = 0;
    h.services.log.subscribe = (sink) => {
      active++;
      const unsubscribe = subscribe(sink);
      return () => {
        active--;
        unsubscribe();
      };
    };
    const one = await session(h.services);
    const two = await session(h.services);
    expect(active).toBe(2);
    h.services.log.warn("to both");
    await waitFor(() => one.logged.length === 1 && two.logged.length === 1, 2000, "both sessions");
    await one.close();
    expect(active).toBe(1);
    h.services.log.warn("to the second only");
    await waitFor(() => two.logged.length === 2, 2000, "the second session");
    expect(one.logged.map((l) => l.data)).toEqual(["to both"]);
  });
});
