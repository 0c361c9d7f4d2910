/**
 * README claims that would go stale unnoticed: the OAuth scope table must
 * name every tool under the scope the server asks of it (the rule in
 * src/server/toolAccess.ts), and the sandbox section must say, in the README
 * itself, what the sandbox does not imitate.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_SCOPES, scopeNeeded } from "../src/server/toolAccess.js";
import { ALL_TOOLS } from "../src/tools/index.js";
import { ROOT } from "./helpers/harness.js";

const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
const TOOL_NAMES = new Set(ALL_TOOLS.map((t) => t.name));

/** The scope table's rows: scope -> the tool names its "tools" column lists. */
function scopeTable(): Map<string, string[]> {
  const rows = readme.split("\n").filter((l) => /^\| `alturl:\w+` \|/.test(l));
  return new Map(
    rows.map((row) => {
      const [, scope, tools] = row.split("|").map((c) => c.trim());
      const names = [...tools!.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
      return [scope!.replace(/`/g, ""), names];
    }),
  );
}

describe("the README's OAuth scope table", () => {
  it("has one row per scope, weakest first", () => {
    expect([...scopeTable().keys()]).toEqual(ALL_SCOPES);
  });

  it("lists every tool once, under the scope the server asks of it (read-only: read, destructive: admin, else write)", () => {
    const table = scopeTable();
    const listed = [...table.values()].flat();
    for (const name of listed) expect(TOOL_NAMES, `${name} is no tool`).toContain(name);
    expect([...listed].sort()).toEqual([...TOOL_NAMES].sort());
    for (const tool of ALL_TOOLS) {
      const row = [...table].find(([, names]) => names.includes(tool.name))?.[0];
      expect(row, tool.name).toBe(scopeNeeded(tool));
    }
  });
});

describe("the README's sandbox section", () => {
  it("says itself what the sandbox does not imitate, besides linking docs/sandbox.md", () => {
    const start = readme.indexOf("### The sandbox on its own");
    const section = readme.slice(start, readme.indexOf("\n## ", start));
    const list = section.slice(section.indexOf("does not imitate:"));
    expect(list.length).toBeLessThan(section.length);
    for (const gap of [/two-factor/, /non-Latin/, /IP lists/, /strict SQL/, /nothing is dialled/]) expect(list).toMatch(gap);
    expect(section).toContain("[docs/sandbox.md](docs/sandbox.md)");
  });
});
