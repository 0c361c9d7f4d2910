/**
 * What the last build put where: esbuild's metafile of the bundle, kept
 * beside the dependencies (not in dist/: the package does not need it), for
 * the tests and the benchmark that ask which libraries a file holds and
 * which files the server loads at start. The bundle is minified, so its
 * files no longer name their modules in comments.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { packageRootOf } from "./third-party-licenses.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BUNDLE_META = path.join(root, "node_modules", ".cache", "vicidial-alturl-mcp", "bundle-meta.json");

/** Record a build's metafile, its output paths relative to dist/. */
export function writeBundleMeta(metafile, outdir) {
  const outputs = {};
  for (const [file, out] of Object.entries(metafile.outputs)) {
    if (!file.endsWith(".js")) continue;
    const rel = (f) => path.relative(outdir, path.resolve(root, f)).replaceAll("\\", "/");
    outputs[rel(file)] = {
      inputs: Object.keys(out.inputs),
      imports: out.imports.filter((i) => i.kind === "import-statement" && !i.external).map((i) => rel(i.path)),
    };
  }
  mkdirSync(path.dirname(BUNDLE_META), { recursive: true });
  writeFileSync(BUNDLE_META, JSON.stringify({ outputs }));
}

function readMeta() {
  return JSON.parse(readFileSync(BUNDLE_META, "utf8"));
}

/** The name of the package a bundled input belongs to, or null for our own code. */
export function packageOf(input) {
  const dir = packageRootOf(input);
  return dir === null ? null : dir.slice(dir.lastIndexOf("node_modules/") + "node_modules/".length);
}

/** The dist file (relative to dist/) that holds a bundled input, e.g. "src/server/createServer.ts". */
export function fileHolding(input) {
  const { outputs } = readMeta();
  const found = Object.entries(outputs).find(([, out]) => out.inputs.includes(input));
  if (!found) throw new Error(`${input} is in no file of the last build (${BUNDLE_META})`);
  return found[0];
}

/** The dist files loaded at start from `entry` (relative to dist/, e.g. "index.js"), or when it is imported: it and its static imports. */
export function startFiles(entry = "index.js") {
  const { outputs } = readMeta();
  const seen = new Set();
  const visit = (f) => {
    if (seen.has(f) || !outputs[f]) return;
    seen.add(f);
    for (const i of outputs[f].imports) visit(i);
  };
  visit(entry);
  return [...seen];
}

/** The libraries the given dist files hold (every .js of the bundle when none given). */
export function packagesIn(files) {
  const { outputs } = readMeta();
  const found = new Set();
  for (const f of files ?? Object.keys(outputs))
    for (const input of outputs[f]?.inputs ?? []) {
      const p = packageOf(input);
      if (p) found.add(p);
    }
  return [...found].sort();
}
