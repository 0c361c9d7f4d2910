/**
 * The layers point one way: entry -> server -> tools -> domain -> client ->
 * config/common. The sandbox is another system: nothing but the entry point
 * starts it, and it imports nothing of ours. No tool imports another tool.
 * This test reads every import in src/ (type-only imports included: a type
 * is a dependency too) and fails naming the file and the import that breaks
 * a rule, so a misplaced piece is caught before review.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/harness.js";

const SRC = path.join(ROOT, "src");

/** Lower number = lower layer; a module may import its own layer or lower ones. */
const LAYERS: Record<string, number> = { common: 0, config: 1, client: 2, domain: 3, tools: 4, server: 5, entry: 6 };

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** The layer of a file under src/: its first folder, and src/index.ts is the entry. */
function layerOf(file: string): string {
  const rel = path.relative(SRC, file).split(path.sep);
  return rel.length === 1 ? "entry" : rel[0]!;
}

function isToolFile(file: string): boolean {
  const rel = path.relative(path.join(SRC, "tools"), file);
  return !rel.startsWith("..") && !rel.includes(path.sep) && rel !== "index.ts";
}

const IMPORT = /(?:import|export)\s[^"';]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(file: string): { spec: string; target: string | null; dynamic: boolean }[] {
  const text = readFileSync(file, "utf8");
  const out: { spec: string; target: string | null; dynamic: boolean }[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2]!;
    const target = spec.startsWith(".") ? path.resolve(path.dirname(file), spec.replace(/\.js$/, ".ts")) : null;
    out.push({ spec, target, dynamic: m[2] !== undefined });
  }
  return out;
}

const files = walk(SRC);

/** Long files being split in a branch under way; each leaves this list when it lands. */
const PENDING_SPLIT = new Set<string>([]);

function violations(): string[] {
  const found: string[] = [];
  for (const file of files) {
    const from = layerOf(file);
    const rel = path.relative(ROOT, file);
    for (const imp of importsOf(file)) {
      if (imp.target === null) continue;
      const to = layerOf(imp.target);
      if (from === "sandbox" || to === "sandbox") {
        // The sandbox stands alone; only the entry point may start it, lazily.
        if (from === "sandbox" && to !== "sandbox") found.push(`${rel}: the sandbox imports ${imp.spec} from outside the sandbox`);
        if (to === "sandbox" && from !== "sandbox" && !(from === "entry" && imp.dynamic)) {
          found.push(`${rel}: imports the sandbox (${imp.spec}); only the entry point may start it, with a dynamic import`);
        }
        continue;
      }
      const a = LAYERS[from];
      const b = LAYERS[to];
      if (a === undefined) found.push(`${rel}: is in no known layer (${from})`);
      else if (b === undefined) found.push(`${rel}: imports ${imp.spec}, which is in no known layer`);
      else if (b > a) found.push(`${rel}: the ${from} layer imports ${imp.spec} from the higher ${to} layer`);
      if (isToolFile(file) && isToolFile(imp.target))
        found.push(`${rel}: a tool imports another tool (${imp.spec}); shared pieces belong in tools/shared or domain`);
      if (from === "tools" && !isToolFile(file) && path.basename(file) !== "index.ts" && isToolFile(imp.target)) {
        found.push(`${rel}: a shared tools module imports a tool (${imp.spec})`);
      }
    }
  }
  return found;
}

describe("architecture", () => {
  it("every src file is in a known layer", () => {
    const unknown = files.filter((f) => layerOf(f) !== "sandbox" && LAYERS[layerOf(f)] === undefined).map((f) => path.relative(ROOT, f));
    expect(unknown).toEqual([]);
  });

  it("imports only point down the layers, the sandbox stands alone, and no tool imports a tool", () => {
    expect(violations()).toEqual([]);
  });

  it("code cites no file outside the repository", () => {
    const cites = files.filter((f) => /vicidial-api\.md|product\.md|\.\.\/shared\/vectors|\/work\/shared/.test(readFileSync(f, "utf8")));
    expect(cites.map((f) => path.relative(ROOT, f))).toEqual([]);
  });

  it("source files stay readable (under 450 lines)", () => {
    const long = files
      .map((f) => ({ f: path.relative(ROOT, f), n: readFileSync(f, "utf8").split("\n").length }))
      .filter((x) => x.n > 450 && !PENDING_SPLIT.has(x.f))
      .map((x) => `${x.f}: ${x.n} lines`);
    expect(long).toEqual([]);
  });

  it("catches an upward import (the rule itself works)", () => {
    // A client file that imported a tool would be reported.
    expect(LAYERS.client! < LAYERS.tools!).toBe(true);
    expect(layerOf(path.join(SRC, "index.ts"))).toBe("entry");
    expect(isToolFile(path.join(SRC, "tools", "setAltUrl.ts"))).toBe(true);
    expect(isToolFile(path.join(SRC, "tools", "shared", "schemas.ts"))).toBe(false);
  });
});
