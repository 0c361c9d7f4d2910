/** Small checks several test files share. */
import { expect } from "vitest";
import { ToolError } from "../../src/common/errors.js";
import type { SandboxRequestRecord } from "../../src/sandbox/index.js";

/** Run `fn` and return the INVALID_INPUT ToolError it throws (fails when nothing is thrown). */
export function refusal(fn: () => unknown): ToolError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ToolError);
    const err = e as ToolError;
    expect(err.code).toBe("INVALID_INPUT");
    expect(err.field).toBeDefined();
    return err;
  }
  throw new Error("expected a refusal");
}

/** Percent-decode valid %XX escapes to bytes, then UTF-8 (lenient: invalid escapes stay literal). */
export function pctDecode(s: string): string {
  const bytes: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < s.length; ) {
    if (s[i] === "%" && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 3;
    } else {
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      bytes.push(...enc.encode(ch));
      i += ch.length;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}

export function tryParseUrl(s: string): URL | null {
  try {
    return new URL(s);
  } catch {
    return null;
  }
}

const EDITABLE = ["active", "url_rank", "url_statuses", "url_description", "url_lists", "url_call_length", "url_address"];
const CAMPAIGN_KEYS = ["source", "user", "pass", "function", "campaign_id"];

/**
 * Requests that can change data. Stricter than the sandbox's own "write"
 * flag: the ALT-mode probe (alt_url_id=0, no field) and update_campaign
 * without a field write nothing, so they are not counted.
 */
export function isWriteRequest(r: SandboxRequestRecord): boolean {
  const p = new Map(r.params);
  if (r.path.endsWith("/non_agent_api.php")) {
    if (p.get("function") === "update_alt_url") return p.get("alt_url_id") !== "LIST" && EDITABLE.some((k) => p.has(k));
    if (p.get("function") === "update_campaign") return [...p.keys()].some((k) => !CAMPAIGN_KEYS.includes(k));
    return false;
  }
  if (r.path.endsWith("/admin_url_multi.php")) return p.has("url_id");
  return false;
}
