/**
 * Logs go to stderr only: in stdio mode stdout carries JSON-RPC and nothing
 * else. Every line passes through the redactor.
 */
import type { Redactor } from "./redact.js";

export type LogLevel = "debug" | "info" | "warn" | "error";
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export function createLogger(
  redactor: Redactor,
  level: LogLevel = "info",
  sink: (line: string) => void = (l) => process.stderr.write(l),
): Logger {
  const at = (lvl: LogLevel) => (msg: string) => {
    if (ORDER[lvl] < ORDER[level]) return;
    sink(`[vicidial-alturl-mcp] ${lvl}: ${redactor.text(msg)}\n`);
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export function parseLogLevel(raw: string | undefined): LogLevel {
  const v = raw?.trim().toLowerCase();
  return v === "debug" || v === "warn" || v === "error" ? v : "info";
}
