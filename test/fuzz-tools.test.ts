/**
 * Bad input, by property: for every tool, FUZZ_RUNS (default 500) argument
 * objects of every shape, from valid to absurd. The server never crashes or
 * leaves a rejection unhandled; every refusal is INVALID_INPUT naming the
 * argument at fault; input the schema refuses sends nothing to VICIdial, and
 * no refused call sends anything that could change data. Valid calls may
 * read and write the sandbox like any other call.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { ERROR_CODES } from "../src/common/errors.js";
import { defaultSeed, type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { ALL_TOOLS } from "../src/tools/index.js";
import { describeLog, startCrmStub, writeRequests } from "./faults-helpers.js";
import { toolArgs } from "./fuzz-args.js";
import { call, type InProcess, inProcess } from "./helpers/harness.js";
import { seedChangeLog } from "./helpers/history.js";

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);

let sandbox: Sandbox;
let server: InProcess;
/** test_alt_url fetches real URLs: its server may reach only the loopback stub, so no call leaves this machine. */
let probeServer: InProcess;
let crm: Awaited<ReturnType<typeof startCrmStub>>;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  crm = await startCrmStub();
  const seed = defaultSeed();
  seed.vicidial_url_multi[0]!.url_address = `${crm.url}/hook?lead=--A--lead_id--B--`;
  sandbox = await startSandbox({ seed });
  // An audit log holding one change, so list_changes and undo_change have history to work on.
  const audit = path.join(mkdtempSync(path.join(os.tmpdir(), "fuzz-tools-")), "audit.jsonl");
  seedChangeLog(audit);
  // Thousands of calls in seconds: the per-caller write limits (tested in test/rate-limits.test.ts) are off here.
  const unlimited = { VICIDIAL_WRITE_RATE: "off", VICIDIAL_DESTRUCTIVE_RATE: "off" };
  server = await inProcess({ useSandbox: sandbox, env: { VICIDIAL_TIMEOUT_MS: "2000", VICIDIAL_AUDIT_LOG: audit, ...unlimited } });
  probeServer = await inProcess({
    useSandbox: sandbox,
    env: { VICIDIAL_TIMEOUT_MS: "2000", VICIDIAL_ALLOWED_URL_HOSTS: "127.0.0.1", ...unlimited },
  });
});

afterAll(async () => {
  await server.close();
  await probeServer.close();
  await sandbox.close();
  await crm.close();
  process.off("unhandledRejection", onUnhandled);
});

const CODES: readonly string[] = ERROR_CODES;

describe.each(ALL_TOOLS.map((t) => [t.name, t] as const))("%s", (name, tool) => {
  const keys = Object.keys(tool.inputSchema);
  const schema = z.strictObject(tool.inputSchema);

  it(`${RUNS} argument objects: no crash, refusals are INVALID_INPUT naming the field, refused input sends nothing`, async () => {
    const client = () => (name === "test_alt_url" ? probeServer : server).client;
    const seen = { refusedBySchema: 0, refusedBeforeSending: 0, refusedLater: 0, otherErrors: 0, ok: 0 };
    const required = keys.filter((k) => !(tool.inputSchema[k] as z.ZodType).safeParse(undefined).success);
    // test_alt_url takes a url or a stored row, not both; row 1 points at the loopback stub.
    const valid =
      name === "test_alt_url"
        ? fc.oneof(
            fc.record(
              {
                url: fc.constant(`${crm.url}/hook?lead=--A--lead_id--B--`),
                allow_private: fc.constant(true),
                sample_lead: fc.constant({ lead_id: 7 }),
              },
              { requiredKeys: ["url", "allow_private"] },
            ),
            fc.constant({ campaign_id: "2001", id: 1, allow_private: true, timeout_ms: 2000 }),
          )
        : undefined;
    await fc.assert(
      fc.asyncProperty(toolArgs(keys, { required, ...(valid ? { valid } : {}) }), async (args) => {
        sandbox.resetStats();
        const r = await call(client(), name, args);
        const log = sandbox.stats().log;
        const err = r.structured.error;
        const where = `${name}(${JSON.stringify(args).slice(0, 300)}) -> ${r.text.slice(0, 400)} [${describeLog(log)}]`;

        // The result always has the contract's shape (the SDK client also checked it against the output schema).
        expect(typeof r.structured.sandbox, where).toBe("boolean");
        expect(r.isError, where).toBe(err !== undefined);
        if (err) {
          expect(CODES, where).toContain(err.code);
          expect(err.message.length && err.fix.length && err.cause.length, where).toBeGreaterThan(0);
          expect(err.message, `an internal error is a crash: ${where}`).not.toMatch(/^Internal error/);
        }

        // The SDK's JSON-RPC parsing drops a `__proto__` key (it never reaches a tool, so it
        // cannot pollute anything): judge the arguments as the tool receives them.
        const received = JSON.parse(JSON.stringify(args), (k, v: unknown) => (k === "__proto__" ? undefined : v)) as Record<
          string,
          unknown
        >;
        if (!schema.safeParse(received).success) {
          seen.refusedBySchema++;
          expect(err?.code, where).toBe("INVALID_INPUT");
          expect(log, `input the schema refuses must send nothing: ${where}`).toEqual([]);
        }
        if (err?.code === "INVALID_INPUT") {
          // The field names an argument of the tool (or the unknown key given).
          expect(typeof err.field, where).toBe("string");
          const f = err.field!;
          // A configuration document's problems are named by their path inside it (entries[0].alt_urls[1].url, extra).
          const problems = (r.structured.problems as { path: string }[] | undefined) ?? [];
          const inDocument = keys.includes("document") && (f === "document" || problems.some((p) => p.path === f));
          const names =
            keys.some((k) => f === k || f.startsWith(`${k}.`) || f.startsWith(`${k}[`)) ||
            Object.hasOwn(args, f) ||
            f === "arguments" ||
            inDocument;
          expect(names, where).toBe(true);
          expect(writeRequests(log), `a refused call sent a write: ${where}`).toEqual([]);
          if (log.length > 0) seen.refusedLater++;
          else if (schema.safeParse(received).success) seen.refusedBeforeSending++;
        } else if (err) seen.otherErrors++;
        else seen.ok++;
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    // The generator reached both sides of the line: refused input and calls that did their work.
    expect(seen.refusedBySchema, JSON.stringify(seen)).toBeGreaterThan(RUNS / 10);
    expect(seen.ok + seen.otherErrors + seen.refusedLater, JSON.stringify(seen)).toBeGreaterThan(RUNS / 20);
  }, 120_000);
});

describe("after the fuzzing", () => {
  it("left no unhandled rejection and a server that still answers", async () => {
    expect(unhandled).toEqual([]);
    const r = await call(server.client, "list_campaigns");
    expect(r.isError).toBe(false);
  });
});
