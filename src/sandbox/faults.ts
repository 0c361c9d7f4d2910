/**
 * Fault injection: rules chosen per request (by endpoint, function and
 * whether the request can write), so client tests can exercise timeouts,
 * dropped connections, half-applied writes and broken bodies.
 */
import { randomBytes } from "node:crypto";
import type { FaultRule } from "./types.js";

export interface FaultTarget {
  path: "api" | "admin" | "report" | "other";
  /** the function parameter as sent (API only) */
  fn: string;
  /** whether the request can change data */
  write: boolean;
}

interface ActiveRule {
  rule: FaultRule;
  /** Infinity when the rule has no `times` */
  remaining: number;
}

export class FaultController {
  private rules: ActiveRule[] = [];

  set(rules: FaultRule[]): void {
    this.rules = rules.map((rule) => ({ rule: { ...rule, match: rule.match && { ...rule.match } }, remaining: rule.times ?? Infinity }));
  }

  /** The first active rule matching the request, consuming one of its `times`. */
  take(target: FaultTarget): FaultRule | undefined {
    for (const active of this.rules) {
      if (active.remaining <= 0) continue;
      const m = active.rule.match;
      if (m?.path !== undefined && m.path !== target.path) continue;
      if (m?.function !== undefined && m.function !== target.fn) continue;
      if (m?.write !== undefined && m.write !== target.write) continue;
      active.remaining--;
      return active.rule;
    }
    return undefined;
  }
}

/** What a misbehaving web server or proxy in front of PHP might send. */
export function htmlErrorPage(): string {
  return [
    '<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">',
    "<html><head>",
    "<title>500 Internal Server Error</title>",
    "</head><body>",
    "<h1>Internal Server Error</h1>",
    "<p>The server encountered an internal error or",
    "misconfiguration and was unable to complete",
    "your request.</p>",
    "<p>Please contact the server administrator at",
    " root@localhost to inform them of the time this error occurred,",
    " and the actions you performed just before this error.</p>",
    "<p>More information about this error may be available",
    "in the server error log.</p>",
    "</body></html>",
    "",
  ].join("\n");
}

/** Random bytes that are certainly not valid UTF-8 (they start with 0xFF 0xFE 0xC0). */
export function garbageBytes(length = 256): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe, 0xc0, 0x80]), randomBytes(Math.max(0, length - 4))]);
}
