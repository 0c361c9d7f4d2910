/**
 * What the bundle changes in the SDK (an esbuild plugin for
 * scripts/bundle.mjs). Every entry is an SDK internal, checked by
 * test/sdk-internals.test.ts so an SDK update that moves one fails loudly;
 * the build itself fails when a rewrite no longer finds its text.
 *
 * Left out of the start-up code (a stub throws, naming this file, if ever reached):
 * - ajv, the SDK server's default JSON Schema validator (only elicitation
 *   answers are validated): every McpServer of ours is given
 *   src/server/schemaValidator.ts, which loads the SDK's ajv validator with
 *   the first confirmation, so the default is never constructed.
 * - zod-to-json-schema, the SDK's converter for zod 3 schemas: our schemas
 *   are zod 4, and our tools are listed from the build's own catalogue.
 *
 * Rewritten, because each costs every request memory V8 keeps (old-generation
 * pages: resident size grew by half over 10,000 calls; bench/RESULTS.md §4):
 * - the message dispatch tried a request against the response schemas first,
 *   building two zod errors per request; a request is now recognised first.
 * - each request's AbortController: Node 20's AbortSignal leaves new hidden
 *   classes behind per instance. A light controller of the same shape
 *   (`signal.aborted`, `reason`, `throwIfAborted`, an `abort` event) serves
 *   the SDK's own uses and ours (src/server/confirm.ts passes it back to the
 *   SDK's request).
 */

/** Imports stubbed: importer (inside the SDK's dist/esm) -> specifier, and the stub. */
export const SDK_TRIMS = [
  {
    importer: "server/index.js",
    specifier: "../validation/ajv-provider.js",
    contents:
      'export class AjvJsonSchemaValidator { constructor() { throw new Error("scripts/sdk-patches.mjs: the SDK default validator is not bundled; give McpServer a jsonSchemaValidator (src/server/schemaValidator.ts)"); } }\n',
  },
  {
    importer: "server/zod-json-schema-compat.js",
    specifier: "zod-to-json-schema",
    contents:
      'export function zodToJsonSchema() { throw new Error("scripts/sdk-patches.mjs: zod 3 schemas are not supported in this build"); }\n',
  },
];

const LIGHT_ABORT = `
class LightAbortSignal extends EventTarget {
  aborted = false;
  reason = undefined;
  onabort = null;
  throwIfAborted() {
    if (this.aborted) throw this.reason;
  }
}
function lightAbortController() {
  const signal = new LightAbortSignal();
  return {
    signal,
    abort(reason) {
      if (signal.aborted) return;
      signal.aborted = true;
      signal.reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
      const event = new Event("abort");
      signal.onabort?.(event);
      signal.dispatchEvent(event);
    },
  };
}
`;

/** Source rewrites: file (inside the SDK's dist/esm) -> each text, found exactly once, and its replacement. */
export const SDK_REWRITES = [
  {
    file: "shared/protocol.js",
    find: "if (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message)) {",
    replace: "if (!isJSONRPCRequest(message) && (isJSONRPCResultResponse(message) || isJSONRPCErrorResponse(message))) {",
  },
  {
    file: "shared/protocol.js",
    find: "const abortController = new AbortController();\n        this._requestHandlerAbortControllers.set(request.id, abortController);",
    replace:
      "const abortController = lightAbortController();\n        this._requestHandlerAbortControllers.set(request.id, abortController);",
    append: LIGHT_ABORT,
  },
];

const SDK_ESM = /[\\/]@modelcontextprotocol[\\/]sdk[\\/]dist[\\/]esm[\\/]/;
const sdkPath = (file) => (SDK_ESM.test(file) ? file.split(SDK_ESM)[1].replaceAll("\\", "/") : null);

/** Apply every rewrite of `file` to its source; throws naming the text when one is not there exactly once. */
export function rewriteSdkSource(file, source) {
  let out = source;
  for (const r of SDK_REWRITES.filter((x) => x.file === file)) {
    const at = out.indexOf(r.find);
    if (at < 0 || out.indexOf(r.find, at + 1) >= 0) {
      throw new Error(`scripts/sdk-patches.mjs: ${file} no longer holds exactly one ${JSON.stringify(r.find)}; update the patch`);
    }
    out = out.slice(0, at) + r.replace + out.slice(at + r.find.length) + (r.append ?? "");
  }
  return out;
}

export const sdkPatches = {
  name: "sdk-patches",
  setup(b) {
    for (const [i, trim] of SDK_TRIMS.entries()) {
      const filter = new RegExp(`^${trim.specifier.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`);
      b.onResolve({ filter }, (args) =>
        sdkPath(args.importer) === trim.importer ? { path: `trim-${i}`, namespace: "sdk-patches" } : undefined,
      );
    }
    b.onLoad({ filter: /.*/, namespace: "sdk-patches" }, (args) => ({
      contents: SDK_TRIMS[Number(args.path.replace("trim-", ""))].contents,
      loader: "js",
    }));
    const files = [...new Set(SDK_REWRITES.map((r) => r.file))];
    b.onLoad({ filter: /[\\/]@modelcontextprotocol[\\/]sdk[\\/]dist[\\/]esm[\\/].*\.js$/ }, async (args) => {
      const file = sdkPath(args.path);
      if (!files.includes(file)) return undefined;
      const { readFile } = await import("node:fs/promises");
      return { contents: rewriteSdkSource(file, await readFile(args.path, "utf8")), loader: "js" };
    });
  },
};
