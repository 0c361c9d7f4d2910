/**
 * Two libraries the SDK imports at start that this server never uses there,
 * left out of the start-up code of the bundle (an esbuild plugin for
 * scripts/bundle.mjs). Each is an SDK internal, checked by
 * test/sdk-internals.test.ts so an SDK update that moves them fails loudly.
 *
 * - ajv, the SDK server's default JSON Schema validator (only elicitation
 *   answers are validated): every McpServer of ours is given
 *   src/server/schemaValidator.ts, which loads the SDK's ajv validator with
 *   the first confirmation, so the default is never constructed.
 * - zod-to-json-schema, the SDK's converter for zod 3 schemas: our schemas
 *   are zod 4 (converted by zod itself), and our tools are listed from the
 *   build's own catalogue.
 * A stub throws if it is ever reached, naming this file.
 */

/** importer (inside the SDK's dist/esm) -> the import specifier it stubs, and the stub's source. */
export const SDK_TRIMS = [
  {
    importer: "server/index.js",
    specifier: "../validation/ajv-provider.js",
    contents:
      'export class AjvJsonSchemaValidator { constructor() { throw new Error("scripts/sdk-trim.mjs: the SDK default validator is not bundled; give McpServer a jsonSchemaValidator (src/server/schemaValidator.ts)"); } }\n',
  },
  {
    importer: "server/zod-json-schema-compat.js",
    specifier: "zod-to-json-schema",
    contents:
      'export function zodToJsonSchema() { throw new Error("scripts/sdk-trim.mjs: zod 3 schemas are not supported in this build"); }\n',
  },
];

const SDK_ESM = /[\\/]@modelcontextprotocol[\\/]sdk[\\/]dist[\\/]esm[\\/]/;

export const sdkTrim = {
  name: "sdk-trim",
  setup(b) {
    for (const [i, trim] of SDK_TRIMS.entries()) {
      const filter = new RegExp(`^${trim.specifier.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`);
      b.onResolve({ filter }, (args) => {
        const inSdk = SDK_ESM.test(args.importer);
        const rel = inSdk ? args.importer.split(SDK_ESM)[1].replaceAll("\\", "/") : null;
        return rel === trim.importer ? { path: `sdk-trim-${i}`, namespace: "sdk-trim" } : undefined;
      });
    }
    b.onLoad({ filter: /.*/, namespace: "sdk-trim" }, (args) => ({
      contents: SDK_TRIMS[Number(args.path.replace("sdk-trim-", ""))].contents,
      loader: "js",
    }));
  },
};
