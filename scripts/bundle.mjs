#!/usr/bin/env node
/**
 * `npm run build` (tsc then typechecks, emitting nothing): bundles the server
 * into dist/ with esbuild, dependencies included. A desktop client starts
 * this server on every launch, and a few pre-linked files start in about
 * half the time Node needs to resolve and load hundreds of separate modules
 * (see bench/RESULTS.md). Code splitting keeps what is loaded lazily (the
 * embedded sandbox, the HTTP transport, undici, the doctor) in chunks that
 * are read only when used.
 *
 * Outputs: dist/index.js (the bin), dist/sandbox/cli.js (`npm run sandbox`),
 * dist/sandbox/index.js (the sandbox as a module, for the benchmark),
 * dist/chunks/*.js, source maps of our own code (scripts/own-sourcemaps.mjs)
 * and dist/THIRD_PARTY_LICENSES.txt, the notices of every bundled library
 * (scripts/third-party-licenses.mjs).
 */
import { rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { writeBundleMeta } from "./bundle-meta.mjs";
import { NODE_BUNDLE } from "./node-bundle.mjs";
import { ownSourceMapsOnly } from "./own-sourcemaps.mjs";
import { sdkPatches } from "./sdk-patches.mjs";
import { thirdPartyLicences } from "./third-party-licenses.mjs";

/**
 * zod re-exports all of its ~60 message locales as a namespace, so they cannot
 * be tree-shaken, and compiling them is about a quarter of what the server
 * loads at start. Only English is ever configured (zod's default), so the
 * bundle gets a locales module that holds English alone.
 */
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";\n',
      loader: "js",
      resolveDir: path.join(root, "node_modules", "zod", "v4", "locales"),
    }));
  },
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dist = path.join(root, "dist");
// Built aside and swapped in, so a test spawning dist/index.js meanwhile never sees half a build.
const staging = path.join(root, `dist.building-${process.pid}`);

/**
 * What the server answers its first two requests with, computed here once
 * (bundled to a temporary module and imported) so that at start it neither
 * builds a zod schema nor loads the SDK: every tool's tools/list entry
 * (src/server/toolListing.ts over src/tools/index.ts; read by
 * src/server/toolCatalogue.ts) and the protocol versions of the bundled SDK
 * (read by src/server/handshake.ts for initialize).
 */
async function handshakeFacts() {
  const file = path.join(root, `.tool-catalogue-${process.pid}.mjs`);
  try {
    await build({
      absWorkingDir: root,
      stdin: {
        contents:
          'import { ALL_TOOLS } from "./src/tools/index.ts"; import { listingOf } from "./src/server/toolListing.ts"; export const catalogue = ALL_TOOLS.map(listingOf);' +
          'export { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/sdk/types.js";',
        resolveDir: root,
        loader: "ts",
      },
      outfile: file,
      ...NODE_BUNDLE,
    });
    const facts = await import(pathToFileURL(file).href);
    return {
      __TOOL_CATALOGUE__: JSON.stringify(JSON.stringify(facts.catalogue)),
      __PROTOCOL_VERSIONS__: JSON.stringify(
        JSON.stringify({ latest: facts.LATEST_PROTOCOL_VERSION, supported: facts.SUPPORTED_PROTOCOL_VERSIONS }),
      ),
    };
  } finally {
    await rm(file, { force: true });
  }
}

try {
  const define = await handshakeFacts();
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: {
      index: "src/index.ts",
      "sandbox/cli": "src/sandbox/cli.ts",
      "sandbox/index": "src/sandbox/index.ts",
    },
    outdir: staging,
    ...NODE_BUNDLE,
    splitting: true,
    chunkNames: "chunks/[name]-[hash]",
    // Whitespace and syntax minified (a tenth less start-up time: less source for V8 to scan and compile);
    // identifiers kept, so stack traces name their functions, and our own code maps back to TypeScript.
    // Licence comments are dropped from the code: each library's full notice is in THIRD_PARTY_LICENSES.txt.
    legalComments: "none",
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: "linked",
    metafile: true,
    plugins: [zodEnglishOnly, sdkPatches],
    define,
  });
  ownSourceMapsOnly(staging);
  await writeFile(path.join(staging, "THIRD_PARTY_LICENSES.txt"), thirdPartyLicences(root, metafile));
  writeBundleMeta(metafile, staging);
  await rm(dist, { recursive: true, force: true });
  await rename(staging, dist);
} catch (err) {
  await rm(staging, { recursive: true, force: true });
  throw err;
}
