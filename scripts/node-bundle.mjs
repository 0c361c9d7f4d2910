/**
 * The esbuild settings every bundle of ours shares: one ES module file for
 * Node 20 with its dependencies inside. CommonJS dependencies (dotenv,
 * undici) call require(), which ES module output lacks, so a banner defines it.
 */
export const NODE_BUNDLE = {
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  logLevel: "warning",
};
