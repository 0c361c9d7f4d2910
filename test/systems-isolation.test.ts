/**
 * Isolation between systems, over stdio with the built server: staging with
 * a wrong password (a sandbox this test starts, so its failed logins can be
 * counted), production read-only (another such sandbox), and lab, an
 * embedded sandbox of the server's own (`url: sandbox`), the default. A
 * wrong password stops staging only; production refuses writes with
 * READ_ONLY naming it while lab writes; list_systems and check_connection
 * describe every system; doctor checks every system or one.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { type CallResult, call, DIST_ENTRY, runCli, type Spawned, spawnStdio } from "./helpers/harness.js";
import { randomPass, seedWithPassword } from "./helpers/systems.js";

const STAGING_REAL = randomPass();
const STAGING_WRONG = randomPass();
const PROD_PASS = randomPass();

let staging: Sandbox;
let production: Sandbox;
let dir: string;
let file: string;
let env: Record<string, string>;
let server: Spawned;
const seen: string[] = [];

async function tool(name: string, args: Record<string, unknown>): Promise<CallResult> {
  const r = await call(server.client, name, args);
  seen.push(JSON.stringify(r.raw));
  return r;
}

type View = { name: string; url: string; sandbox: boolean; started: boolean; read_only: boolean; default: boolean };

beforeAll(async () => {
  staging = await startSandbox({ seed: seedWithPassword(STAGING_REAL) });
  production = await startSandbox({ seed: seedWithPassword(PROD_PASS) });
  dir = mkdtempSync(path.join(os.tmpdir(), "systems-isolation-"));
  file = path.join(dir, "systems.json");
  writeFileSync(
    file,
    JSON.stringify({
      default: "lab",
      systems: {
        staging: { url: staging.url, user: "6666", pass_env: "STAGING_PASS" },
        production: { url: production.url, user: "6666", pass_env: "PROD_PASS", read_only: true, timeout_ms: 5000 },
        lab: { url: "sandbox" },
        lab2: { url: "sandbox", read_only: false },
      },
    }),
  );
  env = { VICIDIAL_SYSTEMS_FILE: file, STAGING_PASS: STAGING_WRONG, PROD_PASS };
  server = await spawnStdio(env);
});

afterAll(async () => {
  await server?.close();
  await staging?.close();
  await production?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("a wrong password, a read-only system and an embedded sandbox", () => {
  it("list_systems shows each system's address and settings, never a user or password, and starts nothing", async () => {
    const r = await tool("list_systems", {});
    expect(r.isError, r.text).toBe(false);
    const systems = r.structured.systems as (View & Record<string, unknown>)[];
    expect(systems.map((s) => s.name)).toEqual(["staging", "production", "lab", "lab2"]);
    expect(r.structured.default_system).toBe("lab");
    const byName = Object.fromEntries(systems.map((s) => [s.name, s]));
    expect(byName.production).toMatchObject({ url: production.url, read_only: true, sandbox: false, timeout_ms: 5000, default: false });
    expect(byName.lab).toMatchObject({ url: "sandbox", sandbox: true, started: false, default: true });
    for (const s of systems) {
      expect(Object.keys(s)).not.toContain("user");
      expect(Object.keys(s).some((k) => /pass/i.test(k))).toBe(false);
    }
    expect(r.text).toContain("production");
    expect(staging.stats().requests + production.stats().requests).toBe(0);
  });

  it("a wrong password stops staging only: one failed login there, none on production, lab keeps working", async () => {
    const first = await tool("list_campaigns", { system: "staging" });
    expect(first.structured.error?.code).toBe("AUTH_FAILED");
    expect(first.structured.system).toBe("staging");
    expect(first.structured.error?.message).toMatch(/^System "staging": /);
    expect(staging.stats().failedLogins["6666"]).toBe(1);

    // Retried, in parallel: answered at once, no further login spent.
    const again = await Promise.all([1, 2, 3].map(() => tool("list_alt_urls", { system: "staging", campaign_id: "2001" })));
    for (const r of again) expect(r.structured.error?.code).toBe("AUTH_FAILED");
    expect(staging.stats().failedLogins["6666"]).toBe(1);

    const prod = await tool("list_campaigns", { system: "production" });
    expect(prod.isError, prod.text).toBe(false);
    expect(prod.structured.system).toBe("production");
    expect(production.stats().failedLogins).toEqual({});
    const lab = await tool("list_campaigns", {});
    expect(lab.isError, lab.text).toBe(false);
    expect(lab.structured.system).toBe("lab");
  });

  it("production is read-only: READ_ONLY naming it, nothing sent (not even for a dry run), while lab writes", async () => {
    production.resetStats();
    for (const dry_run of [false, true]) {
      const r = await tool("set_alt_url", {
        system: "production",
        campaign_id: "2001",
        statuses: ["SALE"],
        url: "https://crm.example.com/x",
        dry_run,
      });
      expect(r.structured.error?.code).toBe("READ_ONLY");
      expect(r.structured.error?.message).toContain('"production"');
      expect(r.structured.system).toBe("production");
    }
    const copy = await tool("copy_alt_urls", {
      from_system: "lab",
      to_system: "production",
      from_campaign_id: "2001",
      to_campaign_ids: ["3001"],
    });
    expect(copy.structured.error?.code).toBe("READ_ONLY");
    expect(production.stats().requests).toBe(0);

    const lab = await tool("set_alt_url", { campaign_id: "2001", statuses: ["LABTEST"], url: "https://crm.example.com/lab" });
    expect(lab.isError, lab.text).toBe(false);
    expect(lab.structured).toMatchObject({ action: "created", system: "lab" });
  });

  it("a copy from read-only production into lab reads production and writes lab", async () => {
    const r = await tool("copy_alt_urls", {
      from_system: "production",
      to_system: "lab",
      from_campaign_id: "3001",
      to_campaign_ids: ["2001"],
    });
    expect(r.isError, r.text).toBe(false);
    expect(r.structured).toMatchObject({ from_system: "production", to_system: "lab", system: "lab" });
    expect((r.structured.results as { ok: boolean }[])[0]!.ok).toBe(true);
  });

  it("sandbox in results is the used system's flag; lab's address shows once it has started", async () => {
    const lab = await tool("list_alt_urls", { system: "lab", campaign_id: "2001" });
    const prod = await tool("list_alt_urls", { system: "production", campaign_id: "2001" });
    expect(lab.structured.sandbox).toBe(true);
    expect(lab.text).toContain("sandbox: not a real VICIdial");
    expect(prod.structured.sandbox).toBe(false);
    expect(prod.text).not.toContain("sandbox: not a real VICIdial");
    const views = (await tool("list_systems", { system: "lab" })).structured.systems as View[];
    expect(views).toHaveLength(1);
    expect(views[0]!.started).toBe(true);
    expect(views[0]!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("each url: sandbox is a sandbox of its own, with its own address and rows", async () => {
    const rows = await tool("list_alt_urls", { system: "lab2", campaign_id: "2001" });
    expect(rows.isError, rows.text).toBe(false);
    const urls = (rows.structured.alt_urls as { url: string }[]).map((r) => r.url);
    expect(urls).not.toContain("https://crm.example.com/lab");
    const onLab = await tool("list_alt_urls", { system: "lab", campaign_id: "2001" });
    expect((onLab.structured.alt_urls as { url: string }[]).map((r) => r.url)).toContain("https://crm.example.com/lab");
    const views = (await tool("list_systems", {})).structured.systems as View[];
    const lab = views.find((v) => v.name === "lab")!;
    const lab2 = views.find((v) => v.name === "lab2")!;
    expect(lab2.started).toBe(true);
    expect(lab2.url).not.toBe(lab.url);
  });

  it("check_connection checks every system, each problem with its fix and its system", async () => {
    const r = await tool("check_connection", {});
    expect(r.structured.ok).toBe(false);
    const systems = r.structured.systems as { system: string; ok: boolean; checks: { name: string; ok: boolean; fix?: string }[] }[];
    expect(systems.map((s) => [s.system, s.ok])).toEqual([
      ["staging", false],
      ["production", true],
      ["lab", true],
      ["lab2", true],
    ]);
    const checks = r.structured.checks as { system: string; name: string; ok: boolean; fix?: string }[];
    const failed = checks.filter((c) => !c.ok);
    expect(failed.length).toBeGreaterThan(0);
    for (const c of failed) {
      expect(c.system).toBe("staging");
      expect(c.fix?.length).toBeGreaterThan(10);
    }
    expect(r.text).toMatch(/System staging: .*problems found/);
    expect(r.text).toMatch(/System lab \(embedded sandbox\): .*all checks passed/);
    // The stop holds: checking did not cost staging another login.
    expect(staging.stats().failedLogins["6666"]).toBe(1);

    const one = await tool("check_connection", { system: "production" });
    expect(one.structured).toMatchObject({ ok: true, system: "production", vicidial_url: production.url });
  });

  it("no password, right or wrong, appears in results or on stderr", () => {
    const everything = [...seen, server.stderr()].join("\n");
    for (const secret of [STAGING_WRONG, STAGING_REAL, PROD_PASS]) expect(everything).not.toContain(secret);
  });
});

describe("the banner at start", () => {
  it("--http describes every system on stderr, connecting none of them", async () => {
    const before = [staging.stats().requests, production.stats().requests];
    const child = spawn(process.execPath, [DIST_ENTRY, "--http", "--port", "0"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", VICIDIAL_AUDIT_LOG: "off", ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    try {
      await new Promise<void>((resolve, reject) => {
        child.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes("Listening on")) resolve();
        });
        child.on("exit", () => reject(new Error(`exited early: ${stderr}`)));
      });
    } finally {
      child.kill("SIGTERM");
    }
    expect(stderr).toContain(`VICIdial systems from ${file} (connected on first use):`);
    expect(stderr).toContain(`staging: ${staging.url}, as user 6666`);
    expect(stderr).toContain(`production: ${production.url}, as user 6666 (read-only)`);
    expect(stderr).toMatch(/lab: embedded VICIdial SANDBOX .*started on first use, as user 6666 \(default\)/);
    for (const secret of [STAGING_WRONG, PROD_PASS]) expect(stderr).not.toContain(secret);
    expect([staging.stats().requests, production.stats().requests]).toEqual(before);
  });
});

describe("doctor over several systems", () => {
  it("--system production checks that system only and exits 0", async () => {
    const r = await runCli(["doctor", "--system", "production"], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(production.url);
    expect(r.stdout).not.toContain("staging");
    expect(r.stdout).toMatch(/All \d+ checks passed/);
  });

  it("without --system checks every system, names the one that failed with its fix, and exits 1", async () => {
    const r = await runCli(["doctor"], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/System staging: .*problems found/);
    expect(r.stdout).toMatch(/\[FAIL\] login: AUTH_FAILED[\s\S]*?fix: /);
    expect(r.stdout).toMatch(/System production: .*all checks passed/);
    expect(r.stdout).toMatch(/checks failed \(staging\)/);
    for (const secret of [STAGING_WRONG, PROD_PASS]) expect(r.stdout + r.stderr).not.toContain(secret);
  });

  it("--system with a name that is no system stops with exit 2, naming the systems", async () => {
    const r = await runCli(["doctor", "--system", "prod"], env);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("staging, production, lab, lab2");
  });
});
