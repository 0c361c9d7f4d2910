/**
 * The licence notices of every library the bundle holds, gathered into one
 * file (dist/THIRD_PARTY_LICENSES.txt): the bundle copies their code, and
 * their licences (MIT, BSD, ISC) ask that the notice travels with it. Which
 * packages are bundled comes from esbuild's metafile, so the list cannot
 * drift from what is really shipped. A bundled package without a licence
 * file stops the build: its notice must then be added by hand.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** The folder of the package a bundled file belongs to (the innermost node_modules/<name>), or null for our own code. */
export function packageRootOf(file) {
  const parts = file.split(/[\\/]/);
  const at = parts.lastIndexOf("node_modules");
  if (at < 0) return null;
  const width = parts[at + 1]?.startsWith("@") ? 2 : 1;
  return parts.slice(0, at + 1 + width).join("/");
}

function licenceFile(dir) {
  const name = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt))?$/i.test(f));
  return name ? path.join(dir, name) : null;
}

/** The text of THIRD_PARTY_LICENSES.txt for the inputs of an esbuild metafile. */
export function thirdPartyLicences(root, metafile) {
  const dirs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const dir = packageRootOf(input);
    if (dir) dirs.add(dir);
  }
  const sections = [...dirs]
    .map((dir) => {
      const abs = path.join(root, dir);
      const pkg = JSON.parse(readFileSync(path.join(abs, "package.json"), "utf8"));
      const file = licenceFile(abs);
      if (!file) throw new Error(`${pkg.name} is bundled but has no LICENSE file: add its notice to scripts/third-party-licenses.mjs`);
      return {
        name: pkg.name,
        head: `${pkg.name} ${pkg.version} (${pkg.license ?? "see below"})`,
        text: readFileSync(file, "utf8").trim(),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const intro = [
    "Third-party software bundled in this package's dist/ folder, with the licence notice of each.",
    `${sections.length} packages: ${sections.map((s) => s.name).join(", ")}.`,
  ];
  return `${[intro.join("\n"), ...sections.map((s) => `${"=".repeat(78)}\n${s.head}\n${"=".repeat(78)}\n\n${s.text}`)].join("\n\n")}\n`;
}
