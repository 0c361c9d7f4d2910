/** Small checks several test files share. */
import { expect } from "vitest";
import { ToolError } from "../../src/client/errors.js";

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
