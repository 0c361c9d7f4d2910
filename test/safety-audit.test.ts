/**
 * Guarantee 6 (issue 3): every write (never a dry run) appends one JSON line
 * to the audit log: time, tool, campaign_id, url_type, action, row before,
 * row after, result (OK or the error code). Never the password. Default in
 * the user's state folder; VICIDIAL_AUDIT_LOG moves it; `off` disables it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defaultStateDir, loadConfig } from "../src/config/env.js";
import { ALL_TOOLS } from "../src/tools/index.js";
import { call, type InProcess } from "./helpers/harness.js";
import { open, SECRET } from "./safety-helpers.js";

let h: InProcess | null = null;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "safety-audit-"));
});
afterEach(async () => {
  await h?.close();
  h = null;
  rmSync(dir, { recursive: true, force: true });
});

type Line = Record<string, unknown> & { time: string; tool: string; campaign_id: string; url_type: string; action: string; result: string };

/** Every record of the file, intent lines (PENDING) included. */
function records(file: string): Line[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, "utf8");
  expect(text.endsWith("\n") || text === "").toBe(true);
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Line);
}

/**
 * The outcome line of every write. Each one must follow its intent line: the
 * same change_id, tool, entry and action, written before anything was sent.
 */
function lines(file: string): Line[] {
  const all = records(file);
  const outcomes = all.filter((l) => l.result !== "PENDING");
  for (const o of outcomes) {
    const at = all.indexOf(o);
    const intent = all.findIndex((l) => l.result === "PENDING" && l.change_id === o.change_id);
    expect(intent, `intent line of ${JSON.stringify(o)}`).toBeGreaterThanOrEqual(0);
    expect(intent).toBeLessThan(at);
    expect([all[intent]!.tool, all[intent]!.campaign_id, all[intent]!.action]).toEqual([o.tool, o.campaign_id, o.action]);
  }
  expect(all.filter((l) => l.result === "PENDING")).toHaveLength(outcomes.length);
  return outcomes;
}

describe("what is recorded", () => {
  it("one line per write, with time, tool, campaign, url_type, action, before, after and result", async () => {
    const file = path.join(dir, "audit.jsonl");
    h = await open({ env: { VICIDIAL_AUDIT_LOG: file } });
    const created = await call(h.client, "set_alt_url", { campaign_id: "2001", statuses: ["AUD"], url: "https://crm.example.com/a" });
    const id = (created.structured.alt_url as { id: number }).id;
    await call(h.client, "set_alt_url", { campaign_id: "2001", id, statuses: ["AUD"], url: "https://crm.example.com/b" });
    await call(h.client, "set_alt_url", { campaign_id: "2001", id, statuses: ["AUD"], url: "https://crm.example.com/b" }); // unchanged: nothing sent, nothing recorded
    await call(h.client, "disable_alt_url", { campaign_id: "2001", id });
    await call(h.client, "enable_alt_url", { campaign_id: "2001", id });
    await call(h.client, "delete_alt_url", { campaign_id: "2001", id });
    await call(h.client, "enable_alt_url_mode", { campaign_id: "2002", preserve_url: "https://helpdesk.example.com/old" });

    const got = lines(file);
    expect(got.map((l) => [l.tool, l.campaign_id, l.url_type, l.action, l.result])).toEqual([
      ["set_alt_url", "2001", "dispo", "created", "OK"],
      ["set_alt_url", "2001", "dispo", "updated", "OK"],
      ["disable_alt_url", "2001", "dispo", "updated", "OK"],
      ["enable_alt_url", "2001", "dispo", "updated", "OK"],
      ["delete_alt_url", "2001", "dispo", "deleted", "OK"],
      ["enable_alt_url_mode", "2002", "dispo", "updated", "OK"],
      ["enable_alt_url_mode", "2002", "dispo", "created", "OK"],
    ]);
    for (const l of got) {
      expect(new Date(l.time).toISOString()).toBe(l.time);
      expect(l).toHaveProperty("before");
      expect(l).toHaveProperty("after");
      expect(l.sandbox).toBe(true);
    }
    expect(got[0]!.before).toBeNull();
    expect(got[0]!.after).toMatchObject({ id, url: "https://crm.example.com/a", active: true });
    expect(got[1]!.before).toMatchObject({ id, url: "https://crm.example.com/a" });
    expect(got[1]!.after).toMatchObject({ id, url: "https://crm.example.com/b" });
    expect([got[2]!.before, got[2]!.after]).toMatchObject([{ active: true }, { active: false }]);
    expect(got[4]!.before).toMatchObject({ id, url: "https://crm.example.com/b" });
    expect(got[4]!.after).toBeNull();
    expect(got[5]!.after).toEqual({ dispo_call_url: "ALT" });
    expect(got[6]!.after).toMatchObject({ statuses: ["---ALL---"], url: "https://helpdesk.example.com/old" });
    // Only the person running the server can read it.
    if (process.platform !== "win32") expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("failed writes are recorded as failed, with the error code and message", async () => {
    const file = path.join(dir, "audit.jsonl");
    h = await open({ env: { VICIDIAL_AUDIT_LOG: file } });
    // 2002 is not in ALT mode: VICIdial refuses the write itself.
    const refused = await call(h.client, "set_alt_url", { campaign_id: "2002", statuses: ["AUD"], url: "https://crm.example.com/a" });
    expect(refused.structured.error?.code).toBe("ALT_MODE_OFF");
    h.sandbox.setFaults([{ mode: "reset-before-response", match: { write: true }, times: 1 }]);
    const dropped = await call(h.client, "disable_alt_url", { campaign_id: "2001", id: 1 });
    expect(dropped.structured.error?.code).toBe("VICIDIAL_UNREACHABLE");

    h.sandbox.setFaults([{ mode: "reset-before-response", match: { path: "admin", write: true }, times: 1 }]);
    expect((await call(h.client, "delete_alt_url", { campaign_id: "2001", id: 3 })).structured.error?.code).toBe("VICIDIAL_UNREACHABLE");
    h.sandbox.setFaults([{ mode: "reset-before-response", match: { function: "update_campaign" }, times: 1 }]);
    expect((await call(h.client, "enable_alt_url_mode", { campaign_id: "2002" })).structured.error?.code).toBe("VICIDIAL_UNREACHABLE");

    const got = lines(file);
    expect(got.map((l) => [l.tool, l.campaign_id, l.action, l.result])).toEqual([
      ["set_alt_url", "2002", "created", "ALT_MODE_OFF"],
      ["disable_alt_url", "2001", "updated", "VICIDIAL_UNREACHABLE"],
      ["delete_alt_url", "2001", "deleted", "VICIDIAL_UNREACHABLE"],
      ["enable_alt_url_mode", "2002", "updated", "VICIDIAL_UNREACHABLE"],
    ]);
    expect(got[0]!.message).toMatch(/ALT/);
    expect(got[1]!.message).toMatch(/nothing changed/);
    expect(got[1]!.before).toMatchObject({ id: 1, active: true });
    expect(got[2]!.before).toMatchObject({ id: 3 });
    // A failed line never claims the state that was meant: no deleted row, no ALT mode.
    for (const l of got) expect(l).not.toHaveProperty("after");
  });

  it("a refused write that never reached VICIdial (bad input, declined) is not a write and is not recorded", async () => {
    const file = path.join(dir, "audit.jsonl");
    h = await open({ env: { VICIDIAL_AUDIT_LOG: file }, elicit: () => ({ action: "decline" }) });
    await call(h.client, "set_alt_url", { campaign_id: "2001", statuses: ["A_B"], url: "https://crm.example.com/a" });
    await call(h.client, "delete_alt_url", { campaign_id: "2001", id: 1 });
    expect(lines(file)).toEqual([]);
  });

  it("dry runs are not recorded", async () => {
    const file = path.join(dir, "audit.jsonl");
    h = await open({ env: { VICIDIAL_AUDIT_LOG: file } });
    await call(h.client, "set_alt_url", { campaign_id: "2001", statuses: ["AUD"], url: "https://crm.example.com/a", dry_run: true });
    await call(h.client, "disable_alt_url", { campaign_id: "2001", id: 1, dry_run: true });
    await call(h.client, "enable_alt_url", { campaign_id: "2001", id: 3, dry_run: true });
    await call(h.client, "delete_alt_url", { campaign_id: "2001", id: 1, dry_run: true });
    await call(h.client, "enable_alt_url_mode", { campaign_id: "2002", preserve_url: "https://helpdesk.example.com/old", dry_run: true });
    expect(existsSync(file)).toBe(false);
  });

  it.skipIf(!ALL_TOOLS.some((t) => t.name === "copy_alt_urls"))(
    "copy_alt_urls: a line per row written on each target; its dry run none",
    async () => {
      const file = path.join(dir, "audit.jsonl");
      h = await open({ env: { VICIDIAL_AUDIT_LOG: file } });
      await call(h.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["3001"], replace: true, dry_run: true });
      expect(existsSync(file)).toBe(false);
      await call(h.client, "copy_alt_urls", { from_campaign_id: "2001", to_campaign_ids: ["3001"], replace: true });
      const got = lines(file);
      expect(got.map((l) => [l.tool, l.campaign_id, l.action, l.result])).toEqual([
        ...Array(4).fill(["copy_alt_urls", "3001", "created", "OK"]),
        ["copy_alt_urls", "3001", "deleted", "OK"],
      ]);
      expect(got[4]!.before).toMatchObject({ id: 5, statuses: ["SALE", "RETAIN"] });
      expect(got[4]!.after).toBeNull();
    },
  );

  it("never holds the password, whatever happened", async () => {
    const file = path.join(dir, "audit.jsonl");
    h = await open({ env: { VICIDIAL_AUDIT_LOG: file } });
    await call(h.client, "set_alt_url", { campaign_id: "2001", statuses: ["AUD"], url: "https://crm.example.com/a?u=--A--user--B--" });
    await call(h.client, "set_alt_url", { campaign_id: "2002", statuses: ["AUD"], url: "https://crm.example.com/a" });
    for (const mode of ["reset-before-response", "reset-after-apply", "http500-empty", "garbage", "truncated-body"] as const) {
      h.sandbox.setFaults([{ mode, match: { function: "update_alt_url", write: true }, times: 1 }]);
      await call(h.client, "set_alt_url", { campaign_id: "2001", statuses: ["AUD"], url: `https://crm.example.com/${mode}` });
    }
    await call(h.client, "delete_alt_url", { campaign_id: "2001", id: 2 });
    const text = readFileSync(file, "utf8");
    expect(lines(file).length).toBeGreaterThanOrEqual(8);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(encodeURIComponent(SECRET));
    expect(text).not.toContain(Buffer.from(`mcpsafe:${SECRET}`).toString("base64"));
  });
});

describe("where it goes", () => {
  it("by default, a file in the user's state folder (XDG_STATE_HOME on Linux), created on the first write", async () => {
    h = await open({ env: { VICIDIAL_AUDIT_LOG: "", XDG_STATE_HOME: dir } });
    const expected =
      process.platform === "linux" ? path.join(dir, "vicidial-alturl-mcp", "audit.jsonl") : path.join(defaultStateDir({}), "audit.jsonl");
    expect(h.services.config.auditLog).toBe(expected);
    if (process.platform !== "linux") return;
    await call(h.client, "disable_alt_url", { campaign_id: "2001", id: 1 });
    expect(lines(expected).map((l) => l.tool)).toEqual(["disable_alt_url"]);
  });

  it("`off` disables it: nothing is written anywhere", async () => {
    h = await open({ env: { VICIDIAL_AUDIT_LOG: "off", XDG_STATE_HOME: dir } });
    expect(h.services.config.auditLog).toBeNull();
    expect(h.services.audit.enabled).toBe(false);
    await call(h.client, "disable_alt_url", { campaign_id: "2001", id: 1 });
    expect(existsSync(path.join(dir, "vicidial-alturl-mcp"))).toBe(false);
  });

  it("check_connection (and so doctor) says when the log cannot be written, with the fix", async () => {
    const blocker = path.join(dir, "not-a-folder");
    writeFileSync(blocker, "a file where a folder should be");
    h = await open({ env: { VICIDIAL_AUDIT_LOG: path.join(blocker, "audit.jsonl") } });
    const r = await call(h.client, "check_connection");
    const audit = (r.structured.checks as { name: string; ok: boolean; fix?: string }[]).find((c) => c.name === "audit log")!;
    expect(audit.ok).toBe(false);
    expect(audit.fix).toMatch(/VICIDIAL_AUDIT_LOG/);
    expect(r.structured.ok).toBe(false);

    const good = path.join(dir, "ok", "audit.jsonl");
    await h.close();
    h = await open({ env: { VICIDIAL_AUDIT_LOG: good } });
    const ok = await call(h.client, "check_connection");
    expect((ok.structured.checks as { name: string; ok: boolean }[]).find((c) => c.name === "audit log")!.ok).toBe(true);
    expect(lines(good)).toEqual([]);
  });

  it("loadConfig: VICIDIAL_AUDIT_LOG moves it (relative paths made absolute), OFF in any case disables it", () => {
    expect(loadConfig({ VICIDIAL_AUDIT_LOG: "/var/log/vici/audit.jsonl" }).auditLog).toBe(path.resolve("/var/log/vici/audit.jsonl"));
    expect(loadConfig({ VICIDIAL_AUDIT_LOG: "logs/a.jsonl" }).auditLog).toBe(path.resolve("logs/a.jsonl"));
    expect(loadConfig({ VICIDIAL_AUDIT_LOG: "OFF" }).auditLog).toBeNull();
  });

  const platforms: [NodeJS.Platform, NodeJS.ProcessEnv, string][] = [
    ["linux", { XDG_STATE_HOME: "/xdg/state" }, path.join("/xdg/state", "vicidial-alturl-mcp", "audit.jsonl")],
    ["linux", {}, path.join(os.homedir(), ".local", "state", "vicidial-alturl-mcp", "audit.jsonl")],
    [
      "darwin",
      { XDG_STATE_HOME: "/ignored" },
      path.join(os.homedir(), "Library", "Application Support", "vicidial-alturl-mcp", "audit.jsonl"),
    ],
    [
      "win32",
      { LOCALAPPDATA: "C:\\Users\\ana\\AppData\\Local" },
      path.join("C:\\Users\\ana\\AppData\\Local", "vicidial-alturl-mcp", "audit.jsonl"),
    ],
  ];
  for (const [platform, env, expected] of platforms) {
    it(`loadConfig default on ${platform} ${JSON.stringify(env)}`, () => {
      const real = Object.getOwnPropertyDescriptor(process, "platform")!;
      Object.defineProperty(process, "platform", { value: platform, configurable: true });
      try {
        expect(loadConfig(env).auditLog).toBe(expected);
      } finally {
        Object.defineProperty(process, "platform", real);
      }
    });
  }
});
