/**
 * Logs go to stderr only: in stdio mode stdout carries JSON-RPC and nothing
 * else. Every line passes through the redactor. Other sinks can subscribe to
 * the same (already redacted) entries: the server layer forwards them to MCP
 * clients as log messages, without anything below it knowing about MCP.
 */
import type { Redactor } from "./redact.js";

export type LogLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogEntry {
  level: LogLevel;
  /** Secrets already masked. */
  message: string;
}

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  /**
   * Deliver every entry, at every level (the stderr threshold does not apply:
   * each subscriber filters for itself), until the returned function is called.
   */
  subscribe(sink: (entry: LogEntry) => void): () => void;
}

export function createLogger(
  redactor: Redactor,
  level: LogLevel = "info",
  sink: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const subscribers = new Set<(entry: LogEntry) => void>();
  const at = (lvl: LogLevel) => (msg: string) => {
    const toStderr = ORDER[lvl] >= ORDER[level];
    if (!toStderr && subscribers.size === 0) return;
    const entry: LogEntry = { level: lvl, message: redactor.text(msg) };
    if (toStderr) sink(`[vicidial-alturl-mcp] ${lvl}: ${entry.message}\n`);
    for (const subscriber of [...subscribers]) {
      try {
        subscriber(entry);
      } catch {
        // A failing subscriber must not stop logging, nor log about itself (it would loop).
      }
    }
  };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    subscribe(subscriber) {
      subscribers.add(subscriber);
      return () => void subscribers.delete(subscriber);
    },
  };
}

export function parseLogLevel(raw: string | undefined): LogLevel {
  const v = raw?.trim().toLowerCase();
  return v === "debug" || v === "warn" || v === "error" ? v : "info";
}
