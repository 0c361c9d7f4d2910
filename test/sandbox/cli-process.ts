/**
 * The built sandbox CLI (dist/sandbox/cli.js) as a child process: started
 * with a state file on a free port, its web root read from stdout.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const CLI = path.join(ROOT, "dist", "sandbox", "cli.js");

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  url: string;
  stdout: string;
  close(): Promise<void>;
}

/** A temporary folder for state files, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), "sandbox-state-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `state` as JSON into `dir` and returns the file's path. */
export function writeState(dir: string, name: string, state: unknown): string {
  const file = path.join(dir, name);
  writeFileSync(file, typeof state === "string" ? state : JSON.stringify(state));
  return file;
}

/** Runs the CLI to its end (for arguments or files it refuses). */
export function runCli(args: string[], timeoutMs = 10_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the sandbox CLI did not exit within ${timeoutMs} ms: ${stdout}${stderr}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** Starts `cli.js --state FILE --port 0` and waits for its `web root:` line. */
export function startCli(stateFile: string, timeoutMs = 10_000): Promise<RunningCli> {
  const child = spawn(process.execPath, [CLI, "--state", stateFile, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no web root within ${timeoutMs} ms: ${stdout}${stderr}`));
    }, timeoutMs);
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      const m = /web root:\s+(http:\/\/\S+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, stdout, close: () => stop(child) });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the sandbox CLI exited with ${code}: ${stderr}`));
    });
  });
}
