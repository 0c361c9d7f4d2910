/**
 * The API password never leaves the process. For random passwords (with the
 * characters VICIdial strips, quotes, URL metacharacters and non-ASCII), every
 * tool is called healthy, on its error paths, under every fault, with a wrong
 * password (VICIdial echoes it back) and for users with missing rights; the
 * password in any form (as given, as VICIdial keeps it, URL-encoded, inside
 * HTTP Basic auth) appears in no result text, no structuredContent, no
 * stderr line and no audit record. Spawned stdio servers show the same on
 * their real stderr, and warn at start when VICIdial would strip characters.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { vicidialPasswordForm } from "../src/common/redact.js";
import { defaultSeed, type Sandbox, type SandboxSeed, startSandbox } from "../src/sandbox/index.js";
import { ALL_TOOLS } from "../src/tools/index.js";
import { ERROR_MODES, startCrmStub } from "./faults-helpers.js";
import { type CallResult, call, inProcess, spawnStdio } from "./helpers/harness.js";
import { SAMPLE_DOCUMENT, SEEDED_CHANGE_ID } from "./helpers/history.js";

const RUNS = Number(process.env.SECRETS_RUNS ?? 12);
const STDIO_RUNS = Number(process.env.SECRETS_STDIO_RUNS ?? 3);
const USER = "mcpsecret";
const NOFUNC_USER = "mcpnofunc";
const LOW_USER = "mcplow";
const LOCKED_USER = "mcplocked";
const BLOCKED_USER = "mcpblocked";

const STRIPPED = [
  "#",
  ";",
  "'",
  '"',
  " ",
  ",",
  "(",
  ")",
  "!",
  "*",
  "~",
  "$",
  "[",
  "]",
  "{",
  "}",
  "|",
  "^",
  "`",
  "&",
  "=",
  "+",
  "%",
  "/",
  "?",
  "@",
  ":",
  "<",
  ">",
  "é",
  "€",
  "中",
  "😀",
  "\\",
];
const KEPT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_".split("");

/** At least 8 characters VICIdial keeps (so a leak cannot hide in ordinary text), with stripped ones mixed in. */
const password = fc
  .tuple(
    fc.array(fc.constantFrom(...KEPT), { minLength: 8, maxLength: 16 }),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(...STRIPPED)), { maxLength: 5 }),
  )
  .map(([kept, extra]) => {
    const out = [...kept];
    for (const [at, ch] of extra) out.splice(at % (out.length + 1), 0, ch);
    return out.join("");
  });

/** Every form the password could leak in. */
function forms(pass: string, user = USER): string[] {
  return [
    pass,
    vicidialPasswordForm(pass),
    encodeURIComponent(pass),
    new URLSearchParams({ p: pass }).toString().slice(2),
    Buffer.from(`${user}:${pass}`).toString("base64"),
  ];
}

function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) strings(x, out);
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) out.push(k), strings(x, out);
  return out;
}

function assertNoLeak(where: string, texts: string[], pass: string): void {
  for (const text of texts) {
    for (const f of forms(pass)) {
      if (text.includes(f)) throw new Error(`password leaked (as ${JSON.stringify(f)}) in ${where}: ${text.slice(0, 500)}`);
    }
  }
}

/** Ten failed logins within 15 minutes of a good login lock the user (VICIdial 2.14; the seed stamps one). */
async function lockOut(sandbox: Sandbox, user: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    await fetch(`${sandbox.url}/vicidial/non_agent_api.php?source=test&user=${user}&pass=wrong&function=version_x`).then((r) => r.text());
  }
}

function resultTexts(r: CallResult): string[] {
  return [r.text, ...strings(r.structured), ...strings(r.raw)];
}

let crm: Awaited<ReturnType<typeof startCrmStub>>;
let dir: string;
beforeAll(async () => {
  crm = await startCrmStub();
  dir = mkdtempSync(path.join(tmpdir(), "vicidial-secrets-"));
});
afterAll(async () => {
  await crm.close();
  rmSync(dir, { recursive: true, force: true });
});

const sqlNow = () => new Date().toISOString().slice(0, 19).replace("T", " ");

/** The default call centre plus API users holding this password (stored as VICIdial keeps it). */
function seedWith(pass: string): SandboxSeed {
  const seed = defaultSeed();
  const stored = vicidialPasswordForm(pass);
  const base = {
    user_group: "ADMIN",
    active: "Y" as const,
    vdc_agent_api_access: 1 as const,
    modify_campaigns: 1 as const,
    view_reports: 1 as const,
  };
  seed.users.push(
    { ...base, user: USER, pass: stored, user_level: 9, api_allowed_functions: " ALL_FUNCTIONS " },
    { ...base, user: NOFUNC_USER, pass: stored, user_level: 9, api_allowed_functions: " version " },
    { ...base, user: LOW_USER, pass: stored, user_level: 7, api_allowed_functions: " ALL_FUNCTIONS " },
    // A good login just now, so the ten failures of lockOut() lock this user.
    { ...base, user: LOCKED_USER, pass: stored, user_level: 9, api_allowed_functions: " ALL_FUNCTIONS ", last_login_date: sqlNow() },
    { ...base, user: BLOCKED_USER, pass: stored, user_level: 9, user_group: "FARAWAY", api_allowed_functions: " ALL_FUNCTIONS " },
  );
  seed.user_groups.push({ user_group: "FARAWAY", allowed_campaigns: " -ALL-CAMPAIGNS- - -", api_ip_list: ["192.0.2.10"] });
  seed.vicidial_url_multi[0]!.url_address = `${crm.url}/hook?lead=--A--lead_id--B--`;
  return seed;
}

/** A valid call and an error-path call of each tool. */
function callsFor(tool: string): Record<string, unknown>[] {
  const calls: Record<string, Record<string, unknown>[]> = {
    list_campaigns: [{}],
    list_ingroups: [{}],
    list_alt_urls: [{ campaign_id: "2001" }, { campaign_id: "9999" }],
    preview_dispo_urls: [
      { campaign_id: "2001", status: "SALE", sample_lead: { lead_id: 5 } },
      { campaign_id: "2002", status: "SALE" },
    ],
    set_alt_url: [
      { campaign_id: "2001", statuses: ["NI"], url: "https://crm.example.com/ni?lead=--A--lead_id--B--" },
      { campaign_id: "2001", statuses: ["PW"], url: "https://crm.example.com/pw?p=--A--pass--B--" },
      { campaign_id: "2002", statuses: ["SALE"], url: "https://crm.example.com/x", dry_run: true },
      { campaign_id: "2001", statuses: ["DNC"], url: "https://crm.example.com/dnc", dry_run: true },
    ],
    enable_alt_url: [
      { campaign_id: "2001", id: 3 },
      { campaign_id: "2001", id: 99999 },
    ],
    disable_alt_url: [
      { campaign_id: "2001", id: 2, dry_run: true },
      { campaign_id: "2001", id: 2 },
    ],
    delete_alt_url: [
      { campaign_id: "2001", id: 4, dry_run: true },
      { campaign_id: "2001", id: 4 },
      { campaign_id: "2001", id: 4 },
    ],
    enable_alt_url_mode: [
      { campaign_id: "2002", preserve_url: "https://helpdesk.example.com/old", dry_run: true },
      { campaign_id: "2002", preserve_url: "https://helpdesk.example.com/old" },
    ],
    copy_alt_urls: [
      { from_campaign_id: "2001", to_campaign_ids: ["3001"], dry_run: true },
      { from_campaign_id: "2001", to_campaign_ids: ["3001", "2002"] },
    ],
    test_alt_url: [
      { campaign_id: "2001", id: 1, allow_private: true, timeout_ms: 2000 },
      { url: "https://crm.example.com/x?p=--A--pass--B--" },
    ],
    check_connection: [{}],
    list_url_deliveries: [{}, { campaign_id: "2001", status: "SALE" }, { date: "2026-13-45" }],
    export_alt_urls: [{ entries: [{ campaign_id: "2001" }] }, { entries: [{ campaign_id: "9999" }] }],
    plan_alt_urls: [{ document: SAMPLE_DOCUMENT }, { document: "version: 2" }],
    apply_alt_urls: [{ document: SAMPLE_DOCUMENT, dry_run: true }, { document: SAMPLE_DOCUMENT }],
    list_changes: [{}, { campaign_id: "2001", since: "yesterday" }],
    undo_change: [{ change_id: SEEDED_CHANGE_ID }],
    list_systems: [{}, { system: "default" }, { system: "nowhere" }],
  };
  const c = calls[tool];
  if (!c) throw new Error(`no secrets scenario for tool ${tool}: add one to test/secrets-properties.test.ts`);
  return c;
}

const TOOLS = ALL_TOOLS.map((t) => t.name);

describe("in process: every tool, error path and fault", () => {
  let stderr: string[] = [];
  beforeEach(() => {
    stderr = [];
    const write = process.stderr.write.bind(process.stderr);
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
      stderr.push(String(chunk));
      return write(chunk, ...(rest as []));
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it(`${RUNS} random passwords never reach a result, stderr or the audit log`, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        password,
        fc.array(fc.constantFrom(...TOOLS), { minLength: ERROR_MODES.length, maxLength: ERROR_MODES.length }),
        async (pass, faultTools) => {
          const audit = path.join(dir, `audit-${run++}.jsonl`);
          const sandbox: Sandbox = await startSandbox({ seed: seedWith(pass) });
          const texts: string[] = [];
          const env = (user: string, p = pass) => ({
            VICIDIAL_USER: user,
            VICIDIAL_PASS: p,
            VICIDIAL_AUDIT_LOG: audit,
            VICIDIAL_TIMEOUT_MS: "300",
          });
          try {
            // Healthy, and each tool's error paths.
            const good = await inProcess({ useSandbox: sandbox, env: env(USER) });
            for (const tool of TOOLS) for (const args of callsFor(tool)) texts.push(...resultTexts(await call(good.client, tool, args)));
            // Every fault, each on a tool chosen by the property, reads and writes alike.
            for (const [i, mode] of ERROR_MODES.entries()) {
              sandbox.setFaults([{ mode }]);
              const tool = faultTools[i]!;
              texts.push(...resultTexts(await call(good.client, tool, callsFor(tool)[0]!)));
              sandbox.setFaults([{ mode, match: { write: true }, times: 1 }]);
              texts.push(
                ...resultTexts(
                  await call(good.client, "set_alt_url", { campaign_id: "2001", statuses: [`F${i}`], url: "https://crm.example.com/f" }),
                ),
              );
            }
            sandbox.setFaults([]);
            await good.close();

            // VICIdial echoes a wrong password back; users without rights, locked out or blocked by IP hit those paths.
            await lockOut(sandbox, LOCKED_USER);
            for (const [user, p] of [
              [USER, `${pass}x`],
              [NOFUNC_USER, pass],
              [LOW_USER, pass],
              [LOCKED_USER, pass],
              [BLOCKED_USER, pass],
            ] as const) {
              const srv = await inProcess({ useSandbox: sandbox, env: env(user, p) });
              for (const tool of TOOLS) texts.push(...resultTexts(await call(srv.client, tool, callsFor(tool)[0]!)));
              await srv.close();
              if (user !== LOCKED_USER) sandbox.resetFailedLogins(user);
            }
            const codes = texts.join("\n");
            for (const code of [
              "AUTH_FAILED",
              "PERMISSION_DENIED",
              "ACCOUNT_LOCKED",
              "IP_NOT_ALLOWED",
              "ALT_URL_NOT_FOUND",
              "CAMPAIGN_NOT_FOUND",
              "INVALID_INPUT",
              "TIMEOUT",
            ]) {
              expect(codes, `the run reached ${code}`).toContain(code);
            }

            assertNoLeak("a tool result", texts, pass);
            assertNoLeak("a tool result (wrong password)", texts, `${pass}x`);
            assertNoLeak("stderr", stderr, pass);
            const auditText = readFileSync(audit, "utf8");
            expect(auditText.split("\n").filter(Boolean).length, "the writes were audited").toBeGreaterThan(3);
            assertNoLeak("the audit log", [auditText], pass);
          } finally {
            await sandbox.close();
          }
        },
      ),
      { numRuns: RUNS, endOnFailure: true },
    );
  }, 240_000);
});

describe("spawned stdio servers: real stderr", () => {
  it(`${STDIO_RUNS} random passwords stay out of stderr, results and the audit log; stripped characters are warned about`, async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(password, async (pass) => {
        const audit = path.join(dir, `stdio-audit-${run++}.jsonl`);
        const sandbox = await startSandbox({ seed: seedWith(pass) });
        const texts: string[] = [];
        const stderrs: string[] = [];
        try {
          for (const p of [pass, `${pass}x`]) {
            const srv = await spawnStdio({
              VICIDIAL_URL: sandbox.url,
              VICIDIAL_USER: USER,
              VICIDIAL_PASS: p,
              VICIDIAL_AUDIT_LOG: audit,
              VICIDIAL_TIMEOUT_MS: "300",
              LOG_LEVEL: "debug",
            });
            try {
              for (const tool of ["list_campaigns", "set_alt_url", "delete_alt_url", "check_connection"]) {
                for (const args of callsFor(tool)) texts.push(...resultTexts(await call(srv.client, tool, args)));
              }
              sandbox.setFaults([{ mode: "garbage", match: { write: true }, times: 1 }]);
              texts.push(
                ...resultTexts(
                  await call(srv.client, "set_alt_url", { campaign_id: "2001", statuses: ["GB"], url: "https://crm.example.com/gb" }),
                ),
              );
              sandbox.setFaults([]);
            } finally {
              await srv.close();
              stderrs.push(srv.stderr());
            }
            sandbox.resetFailedLogins();
          }
          assertNoLeak("a stdio result", texts, pass);
          assertNoLeak("stdio stderr", stderrs, pass);
          assertNoLeak("the audit log", [readFileSync(audit, "utf8")], pass);
          const strips = vicidialPasswordForm(pass) !== pass;
          for (const err of stderrs) expect(/VICIDIAL_PASS holds characters VICIdial strips/.test(err), err).toBe(strips);
        } finally {
          await sandbox.close();
        }
      }),
      { numRuns: STDIO_RUNS, endOnFailure: true },
    );
  }, 120_000);

  it("warns on stderr at start for a password VICIdial would strip, without showing it", async () => {
    const sandbox = await startSandbox({ seed: seedWith("Abc#12;3'4é5678") });
    try {
      const srv = await spawnStdio({ VICIDIAL_URL: sandbox.url, VICIDIAL_USER: USER, VICIDIAL_PASS: "Abc#12;3'4é5678" });
      const r = await call(srv.client, "list_campaigns");
      await srv.close();
      expect(r.isError).toBe(false);
      expect(srv.stderr()).toMatch(/VICIDIAL_PASS holds characters VICIdial strips/);
      assertNoLeak("stderr", [srv.stderr()], "Abc#12;3'4é5678");
    } finally {
      await sandbox.close();
    }
  });
});
