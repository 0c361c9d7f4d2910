/** delete_alt_url: delete one row for good through the admin page, after the person confirms. */
import type { ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, describe, expect, it } from "vitest";
import { isWriteRequest } from "../helpers/assertions.js";
import { call, type InProcess, inProcess } from "../helpers/harness.js";
import { adminActions, listRows, requestsDuring } from "../helpers/toolCalls.js";

describe("delete_alt_url", () => {
  let h: InProcess;
  const asked: string[] = [];
  async function start(answer?: ElicitResult): Promise<InProcess> {
    asked.length = 0;
    h = await inProcess(
      answer
        ? {
            elicit: (m) => {
              asked.push(m);
              return answer;
            },
          }
        : {},
    );
    await h.client.listTools(); // the client then checks every structuredContent against the output schema
    return h;
  }
  afterEach(() => h?.close());

  it("an active campaign row: switched off, deleted on the admin page, listed again, and returned as it was", async () => {
    await start({ action: "accept", content: { confirm: true } });
    const before = (await listRows(h.client, { campaign_id: "2001" })).find((r) => r.id === 1)!;
    let r!: Awaited<ReturnType<typeof call>>;
    const log = await requestsDuring(h.sandbox, async () => {
      r = await call(h.client, "delete_alt_url", { campaign_id: "2001", id: 1 });
    });
    expect(r.isError).toBe(false);
    expect(r.structured).toMatchObject({ action: "deleted", alt_url: before, dry_run: false });
    expect(r.text).toMatch(/listing again confirms it is gone/);
    expect(asked).toEqual([expect.stringContaining("Delete Alt URL 1")]);
    const writes = log.filter(isWriteRequest).map((w) => new Map(w.params).get("action") ?? new Map(w.params).get("active"));
    expect(writes).toEqual(["N", "URL_MULTI_DELETE"]);
    expect((await listRows(h.client, { campaign_id: "2001" })).map((x) => x.id)).toEqual([2, 3, 4]);
  });

  it("an in-group row and a list row, each on its own admin listing", async () => {
    await start();
    const log = await requestsDuring(h.sandbox, async () => {
      const g = await call(h.client, "delete_alt_url", { campaign_id: "SALESLINE", entry_type: "ingroup", id: 102 });
      expect(g.structured).toMatchObject({ action: "deleted", alt_url: { id: 102, entry_type: "ingroup" } });
      const l = await call(h.client, "delete_alt_url", { campaign_id: "101", entry_type: "list", url_type: "noagent", id: 104 });
      expect(l.structured).toMatchObject({ action: "deleted", alt_url: { id: 104, entry_type: "list" } });
    });
    // 102 was already inactive: deleted at once; 104 was active: switched off first.
    expect(adminActions(log).filter((a) => a.startsWith("URL_MULTI"))).toEqual([
      "URL_MULTI_DELETE:102",
      "URL_MULTI_MODIFY:104",
      "URL_MULTI_DELETE:104",
    ]);
    expect((await listRows(h.client, { campaign_id: "SALESLINE", entry_type: "ingroup" })).map((x) => x.id)).toEqual([101]);
    expect(await listRows(h.client, { campaign_id: "101", entry_type: "list", url_type: "noagent" })).toEqual([]);
  });

  it("a person who declines: DECLINED, and nothing was written", async () => {
    await start({ action: "decline" });
    const before = h.sandbox.dump();
    const r = await call(h.client, "delete_alt_url", { campaign_id: "SALESLINE", entry_type: "ingroup", id: 101 });
    expect(r.structured.error).toMatchObject({ code: "DECLINED" });
    expect(asked).toEqual([expect.stringContaining("https://crm.example.com/vicidial/inbound")]);
    expect(h.sandbox.dump()).toBe(before);
  });

  it("dry run plans the switch-off and the delete, asks nobody and sends nothing", async () => {
    await start({ action: "accept", content: { confirm: true } });
    const log = await requestsDuring(h.sandbox, async () => {
      const r = await call(h.client, "delete_alt_url", { campaign_id: "SALESLINE", entry_type: "ingroup", id: 101, dry_run: true });
      expect(r.structured).toMatchObject({ action: "deleted", dry_run: true, change_id: null });
      expect((r.structured.requests as { params: Record<string, string> }[]).map((p) => p.params.action)).toEqual([
        "URL_MULTI_MODIFY",
        "URL_MULTI_DELETE",
      ]);
    });
    expect(asked).toEqual([]);
    expect(log.filter(isWriteRequest)).toEqual([]);
  });

  it("a row that is not there, or an entry not in ALT mode, is refused before anyone is asked", async () => {
    await start({ action: "accept", content: { confirm: true } });
    const gone = await call(h.client, "delete_alt_url", { campaign_id: "SALESLINE", entry_type: "ingroup", id: 104 });
    expect(gone.structured.error).toMatchObject({ code: "ALT_URL_NOT_FOUND", field: "id" });
    const off = await call(h.client, "delete_alt_url", { campaign_id: "102", entry_type: "list", url_type: "noagent", id: 104 });
    expect(off.structured.error).toMatchObject({ code: "ALT_MODE_OFF" });
    expect(asked).toEqual([]);
  });
});
