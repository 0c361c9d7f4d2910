/**
 * Benchmark plumbing: a raw JSON-RPC driver for a stdio MCP server (no SDK
 * client, so only the server's own costs are timed), the sandbox as its own
 * process, resident-size readings and the statistics.
 */

import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { packagesIn, startFiles } from "../scripts/bundle-meta.mjs";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const ENTRY = path.join(ROOT, "dist", "index.js");

export const BASE_ENV = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", VICIDIAL_AUDIT_LOG: "off" };
const PROTOCOL = "2025-06-18";

export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export const fmt = (ms, digits = 1) => `${ms.toFixed(digits)} ms`;

/** A stdio MCP server driven by raw JSON-RPC lines. */
export class RpcProcess {
  constructor(args, env = {}) {
    this.child = spawn(process.execPath, args, { cwd: ROOT, env: { ...BASE_ENV, ...env }, stdio: ["pipe", "pipe", "pipe"] });
    this.nextId = 1;
    this.waiting = new Map();
    this.stderr = "";
    let pending = "";
    this.child.stdout.on("data", (d) => {
      pending += d.toString();
      let nl;
      while ((nl = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const msg = JSON.parse(line);
        const w = this.waiting.get(msg.id);
        if (w) {
          this.waiting.delete(msg.id);
          if (msg.error) w.reject(new Error(`${JSON.stringify(msg.error)}`));
          else w.resolve(msg.result);
        }
      }
    });
    this.child.stderr.on("data", (d) => (this.stderr += d.toString()));
    this.exited = new Promise((resolve) => this.child.on("exit", resolve));
  }

  get pid() {
    return this.child.pid;
  }

  /** Queue a request; the returned promise settles with its result. */
  request(method, params = {}) {
    const id = this.nextId++;
    const p = new Promise((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    this.child.stdin.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
    return p;
  }

  notify(method, params = {}) {
    this.child.stdin.write(JSON.stringify({ jsonrpc: "2.0", method, params }) + "\n");
  }

  /** initialize + initialized, written at once (as clients do). */
  handshake() {
    const init = this.request("initialize", {
      protocolVersion: PROTOCOL,
      capabilities: {},
      clientInfo: { name: "bench", version: "1.0.0" },
    });
    this.notify("notifications/initialized");
    return init;
  }

  async callTool(name, args) {
    const r = await this.request("tools/call", { name, arguments: args });
    if (r.isError) throw new Error(`${name}: ${r.content?.[0]?.text ?? "error"}`);
    return r.structuredContent;
  }

  async close() {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 3000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Spawn to first tools/list answer, in ms; the process is killed afterwards. */
export async function coldStart(args, env = {}) {
  const t0 = nowMs();
  const p = new RpcProcess(args, env);
  void p.handshake();
  await p.request("tools/list");
  const ms = nowMs() - t0;
  p.child.kill("SIGKILL");
  await p.exited;
  return ms;
}

/** Spawn to exit, in ms (the floor: `node -e ""`). */
export function spawnToExit(args) {
  return new Promise((resolve) => {
    const t0 = nowMs();
    const c = spawn(process.execPath, args, { env: BASE_ENV, stdio: "ignore" });
    c.on("exit", () => resolve(nowMs() - t0));
  });
}

/** The sandbox CLI (dist/sandbox/cli.js) in its own process, so it does not share the measuring event loop. */
export async function sandboxProcess() {
  const child = spawn(process.execPath, [path.join(ROOT, "dist", "sandbox", "cli.js"), "--port", "0"], {
    cwd: ROOT,
    env: BASE_ENV,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d.toString();
      const m = /web root:\s+(http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`sandbox exited with ${code}`)));
  });
  return {
    url,
    async close() {
      child.kill("SIGTERM");
      await new Promise((r) => child.on("exit", r));
    },
  };
}

/**
 * Every variant (name -> async function returning ms) run `runs` times, round
 * by round, after two unmeasured rounds that warm the file cache: interleaved,
 * so a drift in the machine's load hits all variants alike. The samples per variant.
 */
export async function interleavedRuns(variants, runs) {
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let round = -2; round < runs; round++) {
    for (const [k, run] of Object.entries(variants)) {
      const ms = await run();
      if (round >= 0) samples[k].push(ms);
    }
  }
  return samples;
}

/** Resident set size of a process in MB (Linux /proc, else ps). */
export function rssMb(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    if (m) return Number(m[1]) / 1024;
  } catch {
    // not Linux
  }
  return (
    Number(
      execFileSync("ps", ["-o", "rss=", "-p", String(pid)])
        .toString()
        .trim(),
    ) / 1024
  );
}

export function machine() {
  const cpus = os.cpus();
  return {
    nproc: os.availableParallelism?.() ?? cpus.length,
    cpu: cpus[0]?.model ?? "unknown",
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    memGb: (os.totalmem() / 1024 ** 3).toFixed(1),
    load: os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" "),
  };
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The libraries the server evaluates at start: those in its entry and the chunks it imports statically. */
export function packagesLoadedAtStart(entry) {
  return packagesIn(startFiles(path.relative(path.join(ROOT, "dist"), entry)));
}

/**
 * What an SDK client waits: the SDK's Client over StdioClientTransport,
 * spawn -> initialize -> listTools (which compiles every output schema), in
 * ms; the server is closed afterwards. A new Client each time, so each run
 * compiles the schemas afresh, as a client does.
 */
export async function sdkClientStart(args, env = {}) {
  const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
  const { StdioClientTransport } = await import("@modelcontextprotocol/sdk/client/stdio.js");
  const t0 = nowMs();
  const client = new Client({ name: "bench", version: "1.0.0" });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args,
    env: { ...BASE_ENV, ...env },
    cwd: ROOT,
    stderr: "ignore",
  });
  await client.connect(transport);
  await client.listTools();
  const ms = nowMs() - t0;
  await client.close();
  return ms;
}

/** How long the SDK client's validator takes to compile these tools' output schemas, in ms (this process). */
export async function outputSchemaCompileMs(tools) {
  const { AjvJsonSchemaValidator } = await import("@modelcontextprotocol/sdk/validation/ajv");
  const t0 = nowMs();
  const validator = new AjvJsonSchemaValidator();
  for (const t of tools) if (t.outputSchema) validator.getValidator(t.outputSchema);
  return nowMs() - t0;
}

/** The same compile in a fresh process (nothing of ajv warmed up yet, as in a client that just started), in ms. */
export function freshOutputSchemaCompileMs(toolsFile) {
  const code = [
    'import { readFileSync } from "node:fs";',
    'import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv";',
    `const tools = JSON.parse(readFileSync(${JSON.stringify(toolsFile)}, "utf8"));`,
    "const v = new AjvJsonSchemaValidator();",
    "const t0 = performance.now();",
    "for (const t of tools) if (t.outputSchema) v.getValidator(t.outputSchema);",
    "process.stdout.write(String(performance.now() - t0));",
  ].join("\n");
  return Number(execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: ROOT, env: BASE_ENV }).toString());
}
