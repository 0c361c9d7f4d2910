/**
 * The CLI's configuration commands with a terminal of our own: apply asks
 * and a "no" sends nothing, --dry-run sends nothing, read-only mode refuses,
 * and bad command lines name the argument.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../src/config/env.js";
import { type CliIo, parseConfigArgs, runConfigCommand } from "../src/entry/configCli.js";
import { isWriteRequest } from "./helpers/assertions.js";
import { type InProcess, inProcess } from "./helpers/harness.js";

const DOC = 'version: 1\nentries:\n  - campaign_id: "3001"\n    alt_urls:\n      - {statuses: [NI], url: "https://crm.example.com/ni"}\n';

function io(answer: boolean | null): CliIo & { stdout: string[]; stderr: string[]; asked: string[] } {
  const o = { stdout: [] as string[], stderr: [] as string[], asked: [] as string[] };
  return {
    ...o,
    out: (t) => o.stdout.push(t),
    err: (t) => o.stderr.push(t),
    ask:
      answer === null
        ? null
        : async (q) => {
            o.asked.push(q);
            return answer;
          },
    readFile: async () => DOC,
  };
}

describe("vicidial-alturl-mcp apply on a terminal", () => {
  let h: InProcess;
  afterEach(() => h?.close());
  const writes = () => h.sandbox.stats().log.filter(isWriteRequest);

  it("asks before applying; no sends nothing, yes applies, and a second apply has nothing to ask", async () => {
    h = await inProcess();
    const cmd = parseConfigArgs("apply", ["hooks.yaml"]);
    const no = io(false);
    expect(await runConfigCommand(cmd, h.services, no)).toBe(1);
    expect(no.asked[0]).toMatch(/Apply 1 change to VICIdial\?/);
    expect(no.stdout.join("\n")).toContain("+ create [NI]");
    expect(writes()).toEqual([]);

    const yes = io(true);
    expect(await runConfigCommand(cmd, h.services, yes)).toBe(0);
    expect(yes.stdout.join("\n")).toMatch(/1 created/);

    const again = io(true);
    expect(await runConfigCommand(cmd, h.services, again)).toBe(0);
    expect(again.asked).toEqual([]);
    expect(again.stdout.join("\n")).toContain("Nothing to apply");
  });

  it("--dry-run asks nothing and sends no write; read-only mode refuses to apply", async () => {
    h = await inProcess();
    const dry = io(null);
    expect(await runConfigCommand(parseConfigArgs("apply", ["-", "--dry-run", "--json"]), h.services, dry)).toBe(0);
    expect(JSON.parse(dry.stdout[0]!)).toMatchObject({ dry_run: true, summary: { created: 1 } });
    expect(writes()).toEqual([]);
    await h.close();

    h = await inProcess({ env: { VICIDIAL_READ_ONLY: "true" } });
    const ro = io(true);
    expect(await runConfigCommand(parseConfigArgs("apply", ["x.yaml", "--yes"]), h.services, ro)).toBe(1);
    expect(ro.stderr.join("\n")).toContain("Error READ_ONLY");
    expect(writes()).toEqual([]);
  });
});

describe("command lines", () => {
  it("takes TYPE:ID[:URL_TYPE] entries and refuses what it does not know, naming the argument", () => {
    expect(parseConfigArgs("export", ["--entry", "2001", "--entry", "ingroup:SALESLINE:start", "--prune"])).toMatchObject({
      entries: [
        { campaign_id: "2001", entry_type: "campaign", url_type: "dispo" },
        { campaign_id: "SALESLINE", entry_type: "ingroup", url_type: "start" },
      ],
      prune: true,
    });
    for (const [kind, args, named] of [
      ["export", ["--entry", "list:101"], "--entry"],
      ["export", ["--entry", "queue:1"], "--entry"],
      ["plan", [], "plan"],
      ["plan", ["a.yaml", "--yes"], "--yes"],
      ["apply", ["a.yaml", "b.yaml"], "b.yaml"],
    ] as const) {
      let err: unknown;
      try {
        parseConfigArgs(kind, [...args]);
      } catch (e) {
        err = e;
      }
      expect(err, `${kind} ${args.join(" ")}`).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain(named);
    }
  });
});
