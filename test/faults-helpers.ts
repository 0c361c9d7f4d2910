/**
 * Shared pieces of the evidence tests (faults, fuzzing, secrets, load):
 * which sandbox requests could change data, the stored state in a form that
 * ignores ids and cosmetics, the error a result carries wherever the tool
 * puts it, and a tiny local web server for test_alt_url to reach.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { FaultMode, Sandbox, SandboxAltUrl, SandboxRequestRecord } from "../src/sandbox/index.js";
import { isWriteRequest } from "./helpers/assertions.js";
import type { CallResult } from "./helpers/harness.js";

export const ERROR_MODES = [
  "hang",
  "http500-empty",
  "html-error",
  "reset-before-response",
  "reset-after-apply",
  "truncated-body",
  "garbage",
] as const satisfies readonly FaultMode[];
export type ErrorMode = (typeof ERROR_MODES)[number];

/** The contract code each broken answer must surface as (hang: past VICIDIAL_TIMEOUT_MS). */
export const EXPECTED_CODE: Record<ErrorMode, string> = {
  hang: "TIMEOUT",
  "http500-empty": "VICIDIAL_ERROR",
  "html-error": "UNEXPECTED_RESPONSE",
  "reset-before-response": "VICIDIAL_UNREACHABLE",
  "reset-after-apply": "VICIDIAL_UNREACHABLE",
  "truncated-body": "UNEXPECTED_RESPONSE",
  garbage: "UNEXPECTED_RESPONSE",
};

/** Faults after which the sandbox has applied the write although the answer broke. */
export const APPLYING_MODES: readonly ErrorMode[] = ["reset-after-apply", "truncated-body"];

export function writeRequests(log: SandboxRequestRecord[]): SandboxRequestRecord[] {
  return log.filter(isWriteRequest);
}

/** One line per request, for failure messages: `update_alt_url:LIST`, `ADMIN:url_id=3`. */
export function describeLog(log: SandboxRequestRecord[]): string {
  return log
    .map((r) => {
      const p = new Map(r.params);
      if (r.path.endsWith("/admin_url_multi.php")) return `ADMIN:url_id=${p.get("url_id") ?? ""}`;
      return `${p.get("function") ?? "?"}${p.has("alt_url_id") ? `:${p.get("alt_url_id")}` : ""}`;
    })
    .join(" ");
}

interface Dump {
  campaigns: { campaign_id: string; dispo_call_url: string }[];
  vicidial_url_multi: SandboxAltUrl[];
}

/**
 * What a call centre would notice: each campaign's dispo mode and its rows by
 * campaign, type, status set, URL and active flag (ids, ranks and descriptions
 * aside), sorted, so a duplicated or lost row shows as a difference.
 */
export function visibleState(sandbox: Sandbox): string[] {
  const d = JSON.parse(sandbox.dump()) as Dump;
  const modes = d.campaigns.map((c) => `campaign ${c.campaign_id} dispo=${c.dispo_call_url === "ALT" ? "ALT" : "plain"}`);
  const rows = d.vicidial_url_multi.map(
    (r) =>
      `row ${r.campaign_id}/${r.url_type} [${r.url_statuses.split(" ").filter(Boolean).sort().join(" ")}] ${r.active} ${r.url_address}`,
  );
  return [...modes, ...rows.sort()];
}

export function storedRows(sandbox: Sandbox): SandboxAltUrl[] {
  return (JSON.parse(sandbox.dump()) as Dump).vicidial_url_multi;
}

export interface ErrorShape {
  code: string;
  message: string;
  fix: string;
}

/**
 * The error a result reports, wherever the tool keeps it: `structuredContent.error`;
 * for copy_alt_urls the first failed target; for check_connection (which reports
 * problems as checks) the first failed check, whose detail starts with the code.
 */
export function errorOf(r: CallResult): ErrorShape | null {
  const e = r.structured.error;
  if (e) return { code: e.code, message: e.message, fix: e.fix };
  const results = r.structured.results as { error: ErrorShape | null }[] | undefined;
  const failed = results?.find((t) => t.error)?.error;
  if (failed) return failed;
  const checks = r.structured.checks as { ok: boolean; detail: string; fix?: string }[] | undefined;
  const check = r.structured.ok === false ? checks?.find((c) => !c.ok && /^[A-Z_]+: /.test(c.detail)) : undefined;
  if (check) {
    const [code, ...rest] = check.detail.split(": ");
    return { code: code!, message: rest.join(": "), fix: check.fix ?? "" };
  }
  return null;
}

/** A plain web page on loopback, standing in for a CRM that test_alt_url may reach. */
export async function startCrmStub(): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((_req, res) => {
    hits++;
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end("OK\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
