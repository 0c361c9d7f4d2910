/**
 * The built server as a desktop client runs it (one stdio process for the
 * whole file) through every fault in turn: each call gets the contract's
 * error, and the same process keeps answering afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { ERROR_MODES, EXPECTED_CODE, visibleState, writeRequests } from "./faults-helpers.js";
import { call, type Spawned, spawnStdio } from "./helpers/harness.js";

let sandbox: Sandbox;
let srv: Spawned;

beforeAll(async () => {
  sandbox = await startSandbox();
  srv = await spawnStdio({ VICIDIAL_URL: sandbox.url, VICIDIAL_USER: "6666", VICIDIAL_PASS: "sandbox1234", VICIDIAL_TIMEOUT_MS: "300" });
});
afterAll(async () => {
  await srv.close();
  await sandbox.close();
});

describe("one stdio server through every fault", () => {
  it.each(ERROR_MODES)("%s: a read and a write fail cleanly, and the process answers the next call", async (mode) => {
    sandbox.setFaults([{ mode }]);
    const read = await call(srv.client, "list_campaigns");
    expect(read.isError).toBe(true);
    expect(read.structured.error?.code).toBe(EXPECTED_CODE[mode]);
    expect(read.structured.error?.fix).toBeTruthy();

    // The write itself breaks; the reads around it are healthy.
    sandbox.setFaults([{ mode, match: { function: "update_alt_url", write: true }, times: 1 }]);
    sandbox.resetStats();
    const statuses = [`F${ERROR_MODES.indexOf(mode)}`];
    const before = visibleState(sandbox);
    const write = await call(srv.client, "set_alt_url", { campaign_id: "2001", statuses, url: "https://crm.example.com/f" });
    expect(writeRequests(sandbox.stats().log)).toHaveLength(1);
    if (write.isError) {
      expect(write.structured.error?.code).toBe(EXPECTED_CODE[mode]);
      expect(write.structured.error?.message).toMatch(mode === "hang" ? /outcome is unknown/ : /not applied: nothing changed/);
      expect(visibleState(sandbox)).toEqual(before);
    } else {
      expect(write.structured).toMatchObject({ action: "created", reconciled: true });
    }

    sandbox.setFaults([]);
    const next = await call(srv.client, "set_alt_url", { campaign_id: "2001", statuses, url: "https://crm.example.com/f" });
    expect(next.isError).toBe(false);
    const rows = (await call(srv.client, "list_alt_urls", { campaign_id: "2001" })).structured.alt_urls as { statuses: string[] }[];
    expect(rows.filter((r) => r.statuses.join() === statuses.join())).toHaveLength(1);
  });

  it("survived all of it without a crash line on stderr", async () => {
    const r = await call(srv.client, "check_connection");
    expect(r.structured.ok).toBe(true);
    expect(srv.stderr()).not.toMatch(/fatal|unhandled|TypeError|ReferenceError/i);
  });
});
