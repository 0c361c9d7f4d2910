/**
 * Source maps of our own code only. The bundle is not minified, so library
 * code reads fine as it is; mapping it back cost two thirds of the package
 * (4 MB of maps, mostly the libraries' sources). Each map keeps its mappings
 * into src/ (sources included, so `node --enable-source-maps` shows a stack
 * trace in TypeScript with nothing else installed) and loses every mapping
 * into node_modules. A chunk made only of library code loses its map.
 */
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VALUE = new Map([...B64].map((c, i) => [c, i]));

/** One mapping segment: its numbers, each a base64 VLQ. */
function decodeSegment(segment) {
  const out = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = B64_VALUE.get(ch);
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

function vlq(n) {
  let v = n < 0 ? (-n << 1) | 1 : n << 1;
  let out = "";
  do {
    let digit = v & 31;
    v >>>= 5;
    if (v > 0) digit |= 32;
    out += B64[digit];
  } while (v > 0);
  return out;
}

/** The map with only the sources `keep` accepts; null when none is left. */
export function keepSources(map, keep) {
  const newIndex = map.sources.map(() => -1);
  const sources = [];
  const sourcesContent = [];
  map.sources.forEach((source, i) => {
    if (!keep(source)) return;
    newIndex[i] = sources.length;
    sources.push(source);
    sourcesContent.push(map.sourcesContent?.[i] ?? null);
  });
  if (sources.length === 0) return null;
  const names = [];
  const nameIndex = new Map();
  // Fields 2-5 are relative to the previous segment in the whole map; field 1 to the previous in the line.
  const read = { source: 0, line: 0, column: 0, name: 0 };
  const wrote = { source: 0, line: 0, column: 0, name: 0 };
  // Whether the last segment written maps into our code: consumers stretch it over the lines that follow.
  let mapped = false;
  const lines = map.mappings.split(";").map((text) => {
    const out = [];
    let column = 0;
    let wroteColumn = 0;
    for (const segment of text ? text.split(",") : []) {
      const f = decodeSegment(segment);
      column += f[0];
      if (f.length >= 4) {
        read.source += f[1];
        read.line += f[2];
        read.column += f[3];
        if (f.length === 5) read.name += f[4];
      }
      const own = f.length >= 4 && newIndex[read.source] >= 0;
      if (!own) {
        // Library code: end our mapping where it starts, so our last line does not seem to cover it.
        if (mapped) {
          out.push(vlq(column - wroteColumn));
          wroteColumn = column;
          mapped = false;
        }
        continue;
      }
      const source = newIndex[read.source];
      let s = vlq(column - wroteColumn) + vlq(source - wrote.source) + vlq(read.line - wrote.line) + vlq(read.column - wrote.column);
      Object.assign(wrote, { source, line: read.line, column: read.column });
      wroteColumn = column;
      if (f.length === 5) {
        let n = nameIndex.get(read.name);
        if (n === undefined) {
          n = names.push(map.names[read.name]) - 1;
          nameIndex.set(read.name, n);
        }
        s += vlq(n - wrote.name);
        wrote.name = n;
      }
      out.push(s);
      mapped = true;
    }
    return out.join(",");
  });
  return { ...map, sources, sourcesContent, names, mappings: lines.join(";") };
}

/** Rewrite every .map under `dir` to our own sources (not node_modules, not the SDK stubs of sdk-trim.mjs). */
export function ownSourceMapsOnly(dir) {
  for (const entry of readdirSync(dir, { recursive: true })) {
    const mapFile = path.join(dir, entry);
    if (!mapFile.endsWith(".js.map")) continue;
    const kept = keepSources(
      JSON.parse(readFileSync(mapFile, "utf8")),
      (s) => !/(^|[\\/])node_modules[\\/]/.test(s) && !s.startsWith("sdk-trim:"),
    );
    if (kept) {
      writeFileSync(mapFile, JSON.stringify(kept));
      continue;
    }
    rmSync(mapFile);
    const jsFile = mapFile.slice(0, -".map".length);
    writeFileSync(jsFile, readFileSync(jsFile, "utf8").replace(/\n\/\/# sourceMappingURL=[^\n]*\n?$/, "\n"));
  }
}
