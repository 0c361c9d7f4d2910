/**
 * The `.env` file of the working directory, read with dotenv's parser alone.
 * dotenv's `config()` prints to stdout when DOTENV_CONFIG_QUIET=false or
 * DOTENV_CONFIG_DEBUG=true, whether they come from the environment or from
 * the file itself, whatever options it is given; in stdio mode stdout carries
 * JSON-RPC and nothing else. `parse` never prints. As with dotenv, a variable
 * already set in the environment wins over the file. dotenv is loaded only
 * when there is a file to parse: evaluating it (and node:crypto, which it
 * requires) is a few milliseconds of every stdio launch.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

export interface DotenvOptions {
  /** Folder holding `.env`; the working directory by default. */
  cwd?: string;
  /** Environment to fill; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/** Fills the environment from `.env`; returns warnings for a file that exists but cannot be read. */
export async function loadDotenvFile(opts: DotenvOptions = {}): Promise<string[]> {
  const env = opts.env ?? process.env;
  const file = path.join(opts.cwd ?? process.cwd(), ".env");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? [] : [`could not read ${file} (${code ?? (err as Error).message}); its settings are not used.`];
  }
  // dotenv is CommonJS: its exports are the default export of the import (in Node and in the bundle alike).
  const { parse } = (await import("dotenv")).default;
  for (const [key, value] of Object.entries(parse(text))) {
    if (!Object.hasOwn(env, key)) env[key] = value;
  }
  return [];
}
