/**
 * Packaging: the tarball `npm pack` makes holds what a user needs and nothing
 * else, runs with `npx` from a clean folder (stdio, as a desktop client starts
 * it), and package.json and server.json agree with each other and with the
 * contract. The tarball has no dependencies (the bundle holds them); dist/
 * must be built (`npm test` builds first).
 */

import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { SourceMap } from "node:module";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packagesIn } from "../scripts/bundle-meta.mjs";
import { SERVER_NAME, SERVER_VERSION } from "../src/server/serverIdentity.js";
import { call, DIST_ENTRY, ROOT } from "./helpers/harness.js";

const exec = promisify(execFile);
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const NPX = process.platform === "win32" ? "npx.cmd" : "npx";

/** The configuration variables of the contract's table (product.md). */
const CONTRACT_VARIABLES = [
  "VICIDIAL_URL",
  "VICIDIAL_USER",
  "VICIDIAL_PASS",
  "VICIDIAL_SOURCE",
  "VICIDIAL_TIMEOUT_MS",
  "VICIDIAL_READ_ONLY",
  "VICIDIAL_ALLOWED_CAMPAIGNS",
  "VICIDIAL_REQUIRE_HTTPS",
  "VICIDIAL_ALLOWED_URL_HOSTS",
  "VICIDIAL_AUDIT_LOG",
  "VICIDIAL_MAX_CONCURRENCY",
];

interface PackageJson {
  name: string;
  version: string;
  mcpName?: string;
  bin: Record<string, string>;
  files: string[];
  engines: { node: string };
  keywords: string[];
  license: string;
  repository: { type: string; url: string };
  scripts: Record<string, string>;
}

interface ServerJson {
  $schema: string;
  name: string;
  description: string;
  version: string;
  repository?: { url: string; source: string };
  packages: {
    registryType: string;
    identifier: string;
    version: string;
    transport: { type: string };
    environmentVariables?: { name: string; isSecret?: boolean }[];
  }[];
}

const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as PackageJson;
const serverJson = JSON.parse(readFileSync(path.join(ROOT, "server.json"), "utf8")) as ServerJson;

/** A child's environment without this run's npm lifecycle variables or any VICIdial setting. */
function cleanEnv(npmCache: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || k.startsWith("npm_") || k.startsWith("VICIDIAL_") || k === "MCP_HTTP_TOKEN" || k === "LOG_LEVEL") continue;
    env[k] = v;
  }
  return { ...env, npm_config_cache: npmCache, npm_config_update_notifier: "false", VICIDIAL_AUDIT_LOG: "off" };
}

let cleanDir: string;
let npmCache: string;
let tarball: string;
let packedFiles: string[];
let packedSizes: Map<string, number>;
let unpackedSize: number;

/** The libraries in the bundle, from the build's own record of each output's inputs (scripts/bundle-meta.mjs). */
function bundledPackages(): string[] {
  return packagesIn();
}

const squash = (text: string) => text.replace(/\s+/g, " ").trim();

beforeAll(async () => {
  if (!existsSync(DIST_ENTRY)) throw new Error("dist/index.js is missing: run `npm run build` (npm test does) first");
  cleanDir = mkdtempSync(path.join(os.tmpdir(), "alturl-pack-"));
  // npx keys its installs by spec: a cache of our own, emptied of npx installs,
  // means this very tarball is installed, while downloads stay cached between runs.
  npmCache = path.join(os.tmpdir(), "vicidial-alturl-mcp-npm-cache");
  rmSync(path.join(npmCache, "_npx"), { recursive: true, force: true });
  // --ignore-scripts: dist/ is already built, and rebuilding it here would
  // rewrite files other test files are running at the same moment.
  const { stdout } = await exec(NPM, ["pack", "--ignore-scripts", "--json", "--pack-destination", cleanDir], {
    cwd: ROOT,
    env: cleanEnv(npmCache),
    maxBuffer: 16 * 1024 * 1024,
  });
  const info = (JSON.parse(stdout) as { filename: string; unpackedSize: number; files: { path: string; size: number }[] }[])[0]!;
  tarball = info.filename;
  packedFiles = info.files.map((f) => f.path);
  packedSizes = new Map(info.files.map((f) => [f.path, f.size]));
  unpackedSize = info.unpackedSize;
}, 120_000);

afterAll(() => {
  if (cleanDir) rmSync(cleanDir, { recursive: true, force: true });
});

describe("the npm package", () => {
  it("holds the built server, its sandbox and the documents, and no sources, tests or secrets", () => {
    // Which other files dist/ holds is the build's business; the npx run below proves they suffice.
    for (const f of ["package.json", "dist/index.js", "server.json", "CHANGELOG.md"]) {
      expect(packedFiles, f).toContain(f);
    }
    for (const f of ["README.md", ".env.example", "LICENSE"]) {
      if (existsSync(path.join(ROOT, f))) expect(packedFiles, f).toContain(f);
    }
    expect(packedFiles.filter((f) => /^(src|test|scripts|node_modules|bench)\//.test(f) || f === ".env" || f.endsWith(".tgz"))).toEqual([]);
    expect(readFileSync(DIST_ENTRY, "utf8").startsWith("#!/usr/bin/env node")).toBe(true);
  });

  it("declares what a registry and a user need to know", () => {
    expect(pkg.bin[SERVER_NAME]).toBe("dist/index.js");
    expect(pkg.files).toContain("dist");
    expect(pkg.engines.node).toBe(">=20");
    expect(pkg.keywords).toEqual(expect.arrayContaining(["mcp", "vicidial"]));
    expect(pkg.license).toBeTruthy();
    expect(pkg.repository.url).toMatch(/^git\+https:\/\//);
    // A packed tarball must contain a fresh build, whoever runs `npm pack` or `npm publish`.
    expect(pkg.scripts.prepack).toMatch(/npm run build/);
    expect(pkg.version).toBe(SERVER_VERSION);
    // Every library is in the bundle: npx installs nothing but the tarball (the npx test proves it runs).
    expect((pkg as { dependencies?: object }).dependencies).toBeUndefined();
  });

  it("has a server.json for the MCP registry that matches package.json and the contract", () => {
    expect(serverJson.$schema).toMatch(/^https:\/\/static\.modelcontextprotocol\.io\/schemas\/\d{4}-\d{2}-\d{2}\/server\.schema\.json$/);
    expect(serverJson.name).toMatch(/^[a-zA-Z0-9.-]+\/[a-zA-Z0-9._-]+$/);
    // The registry proves npm ownership by package.json's mcpName.
    expect(pkg.mcpName).toBe(serverJson.name);
    expect(serverJson.description.length).toBeGreaterThan(0);
    expect(serverJson.description.length).toBeLessThanOrEqual(100);
    expect(serverJson.version).toBe(pkg.version);
    expect(serverJson.repository?.url).toBe(pkg.repository.url.replace(/^git\+/, "").replace(/\.git$/, ""));
    expect(serverJson.packages).toHaveLength(1);
    const p = serverJson.packages[0]!;
    expect(p).toMatchObject({ registryType: "npm", identifier: pkg.name, version: pkg.version, transport: { type: "stdio" } });
    expect((p.environmentVariables ?? []).map((v) => v.name).sort()).toEqual([...CONTRACT_VARIABLES].sort());
    expect(p.environmentVariables?.find((v) => v.name === "VICIDIAL_PASS")?.isSecret).toBe(true);
  });

  it("keeps a changelog entry for this version", () => {
    const changelog = readFileSync(path.join(ROOT, "CHANGELOG.md"), "utf8");
    expect(changelog).toMatch(new RegExp(`^## \\[${pkg.version.replace(/\./g, "\\.")}\\]`, "m"));
  });

  it("ships the licence notice of every library bundled into it", () => {
    expect(packedFiles).toContain("dist/THIRD_PARTY_LICENSES.txt");
    const notices = squash(readFileSync(path.join(ROOT, "dist", "THIRD_PARTY_LICENSES.txt"), "utf8"));
    const bundled = bundledPackages();
    expect(bundled).toEqual(expect.arrayContaining(["@modelcontextprotocol/sdk", "zod", "undici", "dotenv", "ajv"]));
    for (const name of bundled) {
      const dir = path.join(ROOT, "node_modules", name);
      const licence = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
      expect(licence, `${name} has a licence file`).toBeDefined();
      const { version } = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string };
      expect(notices, `${name}'s notice`).toContain(`${name} ${version}`);
      expect(notices.includes(squash(readFileSync(path.join(dir, licence!), "utf8"))), `${name}'s licence text`).toBe(true);
    }
  });

  it("ships source maps of its own code only, and they still lead a stack trace to our TypeScript", () => {
    const maps = packedFiles.filter((f) => f.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(0);
    for (const f of maps) {
      const map = JSON.parse(readFileSync(path.join(ROOT, f), "utf8")) as { sources: string[]; sourcesContent: (string | null)[] };
      expect(
        map.sources.filter((s) => !/^(\.\.\/)+src\//.test(s)),
        f,
      ).toEqual([]);
      expect(map.sourcesContent.every((c) => typeof c === "string")).toBe(true);
    }
    // Every map a script points to is in the package.
    for (const f of packedFiles.filter((p) => p.endsWith(".js"))) {
      const link = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(path.join(ROOT, f), "utf8"))?.[1];
      if (link) expect(packedFiles, `${f} -> ${link}`).toContain(path.posix.join(path.posix.dirname(f), link));
    }
    const mapBytes = maps.reduce((n, f) => n + (packedSizes.get(f) ?? 0), 0);
    // Our own code's maps, sources included, grow with the code (about 1 MiB with the configuration tools).
    expect(mapBytes).toBeLessThan(1.5 * 1024 * 1024);
    // 5 MB: the Redis client for several instances (ioredis, about 450 kB, loaded only with
    // VICIDIAL_COORDINATION_URL) took the package past the 4 MB it had before.
    expect(unpackedSize).toBeLessThan(5 * 1024 * 1024);
    // A line of our code in a bundled chunk maps back to its own source line.
    for (const [source, generated, original] of [
      ["src/domain/addressPolicy.ts", "function createAddressClassifier(", "export function createAddressClassifier("],
      ["src/entry/stdioTransport.ts", "refuseOversize(scanner,bytes){", "private refuseOversize(scanner"],
    ] as const) {
      const chunk = packedFiles.find((f) => f.endsWith(".js") && readFileSync(path.join(ROOT, f), "utf8").includes(generated))!;
      const js = readFileSync(path.join(ROOT, chunk), "utf8").split("\n");
      const line = js.findIndex((l) => l.includes(generated));
      const map = new SourceMap(JSON.parse(readFileSync(path.join(ROOT, `${chunk}.map`), "utf8")));
      const entry = map.findEntry(line, js[line]!.indexOf(generated)) as { originalSource?: string; originalLine?: number };
      expect(entry.originalSource, chunk).toMatch(new RegExp(`${source.replace(/\./g, "\\.")}$`));
      expect(readFileSync(path.join(ROOT, source), "utf8").split("\n")[entry.originalLine!]).toContain(original);
    }
  });

  it("starts nothing when imported or required: it is a command, not a library", async () => {
    const env = cleanEnv(npmCache);
    await exec(NPM, ["install", "--no-audit", "--no-fund", "--ignore-scripts", `./${tarball}`], { cwd: cleanDir, env, timeout: 120_000 });
    const probe = [
      "import('vicidial-alturl-mcp').then(() => console.log('imported'), (e) => console.log('import refused', e.code));",
      "try { require('vicidial-alturl-mcp'); console.log('required'); } catch (e) { console.log('require refused', e.code); }",
    ].join("\n");
    const r = await exec(process.execPath, ["-e", probe], { cwd: cleanDir, env, timeout: 20_000 });
    expect(r.stdout.trim().split("\n").sort()).toEqual([
      "import refused ERR_PACKAGE_PATH_NOT_EXPORTED",
      "require refused ERR_PACKAGE_PATH_NOT_EXPORTED",
    ]);
    expect(r.stderr).toBe("");
    // The bin is still there.
    const bin = path.join(cleanDir, "node_modules", ".bin", process.platform === "win32" ? `${SERVER_NAME}.cmd` : SERVER_NAME);
    expect((await exec(bin, ["--version"], { cwd: cleanDir, env, timeout: 20_000 })).stdout.trim()).toBe(pkg.version);
  }, 180_000);

  it("runs with npx from the tarball in a clean folder: --version, then stdio with a real client", async () => {
    const env = cleanEnv(npmCache);
    const { stdout } = await exec(NPX, ["--yes", `./${tarball}`, "--version"], { cwd: cleanDir, env, timeout: 240_000 });
    expect(stdout.trim()).toBe(pkg.version);

    let stderr = "";
    const transport = new StdioClientTransport({ command: NPX, args: ["--yes", `./${tarball}`], cwd: cleanDir, env, stderr: "pipe" });
    transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const client = new Client({ name: "packaging-test", version: "1.0.0" });
    try {
      await client.connect(transport);
      const { tools } = await client.listTools();
      expect(
        tools.map((t) => t.name),
        stderr,
      ).toEqual(expect.arrayContaining(["list_campaigns", "set_alt_url", "check_connection"]));
      const r = await call(client, "list_campaigns");
      expect(r.isError, r.text).toBe(false);
      expect(r.structured.sandbox).toBe(true);
    } finally {
      await client.close();
    }
  }, 300_000);
});
