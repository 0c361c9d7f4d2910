/**
 * Shared test harness. Two ways to drive the server, both through the SDK's
 * Client so tests see exactly what an MCP client sees:
 * - `inProcess`: sandbox + services + server linked by an in-memory
 *   transport (fast; can give the client elicitation and progress handlers).
 * - `spawnStdio`: the built dist/index.js as a child process over stdio,
 *   as desktop clients run it.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { ElicitRequestSchema, type ElicitResult } from "@modelcontextprotocol/sdk/types.js";
import { loadConfig } from "../../src/config/env.js";
import { createServices, type Services } from "../../src/domain/runtime.js";
import { type Sandbox, type SandboxOptions, startSandbox } from "../../src/sandbox/index.js";
import { createServer } from "../../src/server/createServer.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DIST_ENTRY = path.join(ROOT, "dist", "index.js");

export interface CallResult {
  isError: boolean;
  structured: Record<string, unknown> & {
    sandbox?: boolean;
    error?: {
      code: string;
      message: string;
      cause: string;
      fix: string;
      retryable: boolean;
      vicidial_response: string | null;
      field?: string;
    };
  };
  text: string;
  raw: unknown;
}

export async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<CallResult> {
  const raw = await client.callTool({ name, arguments: args });
  const content = (raw.content as { type: string; text?: string }[] | undefined) ?? [];
  return {
    isError: raw.isError === true,
    structured: (raw.structuredContent ?? {}) as CallResult["structured"],
    text: content.map((c) => c.text ?? "").join("\n"),
    raw,
  };
}

export interface InProcessOptions {
  /** Extra environment for loadConfig (VICIDIAL_URL is set to the sandbox). */
  env?: Record<string, string>;
  sandbox?: SandboxOptions;
  /** Reuse a running sandbox instead of starting one. */
  useSandbox?: Sandbox;
  /** Give the client the elicitation capability with this answer. */
  elicit?: (message: string) => ElicitResult | Promise<ElicitResult>;
  /** Mark results as sandbox (as `npm start` without VICIDIAL_URL does). */
  sandboxFlag?: boolean;
  /** Where the server sends its requests (a recording proxy in front of the sandbox); the sandbox by default. */
  baseUrl?: string;
  /** Pauses before listing again after a timed-out write (default [20, 50]). */
  relistDelaysMs?: number[];
}

export interface InProcess {
  client: Client;
  sandbox: Sandbox;
  services: Services;
  close(): Promise<void>;
}

export async function inProcess(opts: InProcessOptions = {}): Promise<InProcess> {
  const sandbox = opts.useSandbox ?? (await startSandbox(opts.sandbox));
  const baseUrl = opts.baseUrl ?? sandbox.url;
  const config = loadConfig({
    VICIDIAL_URL: baseUrl,
    VICIDIAL_USER: "6666",
    VICIDIAL_PASS: "sandbox1234",
    VICIDIAL_AUDIT_LOG: "off",
    ...opts.env,
  });
  const services = createServices(config, baseUrl, {
    sandbox: opts.sandboxFlag ?? true,
    logLevel: "error",
    retryDelayMs: 5,
    relistDelaysMs: opts.relistDelaysMs ?? [20, 50],
  });
  const server = createServer(services);
  const client = new Client({ name: "test-client", version: "1.0.0" }, { capabilities: opts.elicit ? { elicitation: { form: {} } } : {} });
  if (opts.elicit) {
    const answer = opts.elicit;
    client.setRequestHandler(ElicitRequestSchema, async (req) => answer(String(req.params.message)));
  }
  const [a, b] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(a), client.connect(b)]);
  return {
    client,
    sandbox,
    services,
    async close() {
      await client.close();
      await server.close();
      await services.close();
      if (!opts.useSandbox) await sandbox.close();
    },
  };
}

export interface Spawned {
  client: Client;
  stderr: () => string;
  close(): Promise<void>;
}

/** The built server over stdio, as a desktop client runs it (with elicitation when `opts.elicit` answers it). */
export async function spawnStdio(
  env: Record<string, string>,
  opts: { elicit?: (message: string) => ElicitResult | Promise<ElicitResult> } = {},
): Promise<Spawned> {
  let stderr = "";
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [DIST_ENTRY],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", VICIDIAL_AUDIT_LOG: "off", ...env },
    stderr: "pipe",
    cwd: ROOT,
  });
  transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const client = new Client({ name: "e2e-client", version: "1.0.0" }, { capabilities: opts.elicit ? { elicitation: { form: {} } } : {} });
  if (opts.elicit) {
    const answer = opts.elicit;
    client.setRequestHandler(ElicitRequestSchema, async (req) => answer(String(req.params.message)));
  }
  await client.connect(transport);
  return { client, stderr: () => stderr, close: () => client.close() };
}

/** Run the built CLI to completion (doctor, bad configuration, --help). */
export function runCli(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DIST_ENTRY, ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", VICIDIAL_AUDIT_LOG: "off", ...env },
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`CLI ${args.join(" ")} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
