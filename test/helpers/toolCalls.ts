/** Small readers the per-tool tests share: rows as a tool lists them, requests as the sandbox saw them. */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Sandbox, SandboxRequestRecord } from "../../src/sandbox/index.js";
import { call } from "./harness.js";

export interface Row {
  id: number;
  campaign_id: string;
  entry_type: string;
  url_type: string;
  active: boolean;
  rank: number;
  statuses: string[];
  description: string;
  lists: string[];
  min_call_length: number;
  url: string;
}

/** The rows list_alt_urls reports for one entry and URL type (fails the test on an error). */
export async function listRows(client: Client, args: Record<string, unknown>): Promise<Row[]> {
  const r = await call(client, "list_alt_urls", args);
  if (r.isError) throw new Error(`list_alt_urls ${JSON.stringify(args)} failed: ${r.text}`);
  return r.structured.alt_urls as Row[];
}

/** The admin-page requests among the sandbox's log, as `ACTION:url_id` (the listing has no action). */
export function adminActions(log: SandboxRequestRecord[]): string[] {
  return log
    .filter((r) => r.path.endsWith("/admin_url_multi.php"))
    .map((r) => {
      const p = new Map(r.params);
      return `${p.get("action") || "LIST"}${p.has("url_id") ? `:${p.get("url_id")}` : ""}`;
    });
}

/** Run `fn` and return the requests the sandbox received meanwhile. */
export async function requestsDuring(sandbox: Sandbox, fn: () => Promise<unknown>): Promise<SandboxRequestRecord[]> {
  const before = sandbox.stats().log.length;
  await fn();
  return sandbox.stats().log.slice(before);
}
