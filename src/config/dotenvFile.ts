/**
 * The `.env` file of the working directory, read with dotenv's parser alone.
 * dotenv's `config()` prints to stdout when DOTENV_CONFIG_QUIET=false or
 * DOTENV_CONFIG_DEBUG=true, whether they come from the environment or from
 * the file itself, whatever options it is given; in stdio mode stdout carries
 * JSON-RPC and nothing else. `parse` never prints. As with dotenv, a variable
 * already set in the environment wins over the file.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "dotenv";

export interface DotenvOptions {
  /** Folder holding `.env`; the working directory by default. */
  cwd?: string;
  /** Environment to fill; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/** Fills the environment from `.env`; returns warnings for a file that exists but cannot be read. */
export function loadDotenvFile(opts: DotenvOptions = {}): string[] {
  const env = opts.env ?? process.env;
  const file = path.join(opts.cwd ?? process.cwd(), ".env");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? [] : [`could not read ${file} (${code ?? (err as Error).message}); its settings are not used.`];
  }
  for (const [key, value] of Object.entries(parse(text))) {
    if (!Object.hasOwn(env, key)) env[key] = value;
  }
  return [];
}
