/**
 * VICIDIAL_TOOLS registers only the tools and groups it names, as read-only
 * mode does: the others are not listed, and a call to one by name is
 * answered with the reason and the fix, sending nothing. Checked in process
 * and on the built server over stdio (with a write limit, as a deployment
 * for one team would combine them).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { ALL_TOOLS } from "../src/tools/index.js";
import { call, type InProcess, inProcess, type Spawned, spawnStdio } from "./helpers/harness.js";

const READ = ALL_TOOLS.filter((t) => t.annotations.readOnlyHint).map((t) => t.name);
const WRITE = ALL_TOOLS.filter((t) => !t.annotations.readOnlyHint).map((t) => t.name);

let h: InProcess | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function listed(x: InProcess | Spawned): Promise<string[]> {
  return (await x.client.listTools()).tools.map((t) => t.name).sort();
}

describe("in process", () => {
  it("read: only the read-only tools; a write tool by name is PERMISSION_DENIED naming the variable and the group", async () => {
    h = await inProcess({ env: { VICIDIAL_TOOLS: "read" } });
    expect(await listed(h)).toEqual([...READ].sort());
    const before = h.sandbox.stats().requests;
    const r = await call(h.client, "set_alt_url", { campaign_id: "2001", statuses: ["X"], url: "https://crm.example.com/x" });
    expect(r.structured.error?.code).toBe("PERMISSION_DENIED");
    expect(r.structured.error?.message).toBe("set_alt_url is not available on this server: VICIDIAL_TOOLS does not select it.");
    expect(r.structured.error?.cause).toContain("VICIDIAL_TOOLS=read");
    expect(r.structured.error?.fix).toMatch(/add set_alt_url \(or a group holding it: write\) to VICIDIAL_TOOLS/);
    expect(r.structured.error?.fix).toContain("Meanwhile these tools work: list_campaigns");
    expect(h.sandbox.stats().requests).toBe(before);
  });

  it("names and groups together", async () => {
    h = await inProcess({ env: { VICIDIAL_TOOLS: "list_alt_urls, set_alt_url,history" } });
    // The history group brings list_changes and undo_change.
    expect(await listed(h)).toEqual(["list_alt_urls", "list_changes", "set_alt_url", "undo_change"]);
    expect(
      (await call(h.client, "set_alt_url", { campaign_id: "2001", statuses: ["SEL"], url: "https://crm.example.com/s" })).isError,
    ).toBe(false);
  });

  it("with read-only mode, read-only wins for write tools (READ_ONLY), and a server offering nothing still answers", async () => {
    h = await inProcess({ env: { VICIDIAL_TOOLS: "write", VICIDIAL_READ_ONLY: "true" } });
    expect(await listed(h)).toEqual([]);
    expect((await call(h.client, "delete_alt_url", { campaign_id: "2001", id: 1 })).structured.error?.code).toBe("READ_ONLY");
    expect((await call(h.client, "list_alt_urls", { campaign_id: "2001" })).structured.error?.code).toBe("PERMISSION_DENIED");
  });
});

describe("the built server over stdio with VICIDIAL_TOOLS and VICIDIAL_WRITE_RATE", () => {
  let sandbox: Sandbox;
  let server: Spawned;
  beforeAll(async () => {
    sandbox = await startSandbox();
    server = await spawnStdio({
      VICIDIAL_URL: sandbox.url,
      VICIDIAL_USER: "6666",
      VICIDIAL_PASS: "sandbox1234",
      VICIDIAL_TOOLS: "read,set_alt_url,delete_alt_url",
      VICIDIAL_WRITE_RATE: "2/min",
    });
  });
  afterAll(async () => {
    await server?.close();
    await sandbox?.close();
  });

  it("lists the selection and answers the rest with the reason", async () => {
    expect(await listed(server)).toEqual([...READ, "delete_alt_url", "set_alt_url"].sort());
    expect(WRITE.filter((t) => !["set_alt_url", "delete_alt_url"].includes(t)).length).toBeGreaterThan(0);
    const r = await call(server.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["3001"] });
    expect(r.structured.error?.code).toBe("PERMISSION_DENIED");
  });

  it("the third write in a minute is RATE_LIMITED for the stdio actor, and the row is not created", async () => {
    const row = (n: number) => ({ campaign_id: "2001", statuses: [`STD${n}`], url: `https://crm.example.com/std/${n}` });
    expect((await call(server.client, "set_alt_url", row(1))).isError).toBe(false);
    expect((await call(server.client, "delete_alt_url", { campaign_id: "2001", id: 1 })).isError).toBe(false);
    const third = await call(server.client, "set_alt_url", row(3));
    expect(third.structured.error?.code).toBe("RATE_LIMITED");
    expect(third.structured.error?.message).toMatch(/for stdio \(VICIDIAL_WRITE_RATE=2\/min\)/);
    const rows = JSON.parse(sandbox.dump()).vicidial_url_multi as { url_statuses: string }[];
    expect(rows.some((x) => x.url_statuses === "STD3")).toBe(false);
  });
});
