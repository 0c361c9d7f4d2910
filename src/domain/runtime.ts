/**
 * Everything a tool needs, built once per process from the configuration:
 * the VICIdial systems (each with its own connection, login stop, locks and
 * restrictions), the audit log, the redactor and the logger.
 */
import type { Config } from "../config/env.js";
import { invalidInput } from "../shared/errors.js";
import { createLogger, type Logger, type LogLevel } from "../shared/log.js";
import { Redactor } from "../shared/redact.js";
import { AuditLog } from "./audit.js";
import { LocalRateLimits, type RateLimits } from "./rateLimits.js";
import { type SystemDeps, type SystemSettings, VicidialSystem } from "./system.js";

export interface Services {
  config: Config;
  systems: ReadonlyMap<string, VicidialSystem>;
  /** The system a call means: the named one, else the default. */
  system(name?: string): VicidialSystem;
  audit: AuditLog;
  /** Per-actor limits on writes (VICIDIAL_WRITE_RATE, VICIDIAL_DESTRUCTIVE_RATE), this process's or the fleet's. */
  rateLimits: RateLimits;
  redactor: Redactor;
  log: Logger;
  /** True when the (default) VICIdial is the embedded sandbox. */
  sandbox: boolean;
  /** Wait (bounded) for writes in flight, so each is recorded before the process stops. */
  drain(timeoutMs: number): Promise<number>;
  close(): Promise<void>;
}

export interface ServiceOptions {
  sandbox: boolean;
  logLevel?: LogLevel;
  /** Test hooks: shorter pauses before retries and re-listings. */
  retryDelayMs?: number;
  relistDelaysMs?: number[];
  auditTimeoutMs?: number;
  /** Shared by several instances (VICIDIAL_COORDINATION_URL): the limits, and each system's write locks and login gate. */
  rateLimits?: RateLimits;
  systemDeps?: (settings: SystemSettings) => Pick<SystemDeps, "locks" | "gate">;
}

export const DEFAULT_SYSTEM = "default";

export function createServices(config: Config, baseUrl: string, opts: ServiceOptions): Services {
  const redactor = new Redactor();
  const log = createLogger(redactor, opts.logLevel);
  const audit = new AuditLog({ file: config.auditLog, redactor, onProblem: (m) => log.warn(m), timeoutMs: opts.auditTimeoutMs });
  const settings: SystemSettings = {
    name: DEFAULT_SYSTEM,
    baseUrl,
    user: config.user,
    pass: config.pass,
    source: config.source,
    timeoutMs: config.timeoutMs,
    maxConcurrency: config.maxConcurrency,
    readOnly: config.readOnly,
    allowedCampaigns: config.allowedCampaigns,
    requireHttps: config.requireHttps,
    allowedUrlHosts: config.allowedUrlHosts,
    sandbox: opts.sandbox,
  };
  const systems = new Map([
    [
      DEFAULT_SYSTEM,
      new VicidialSystem(settings, {
        audit,
        retryDelayMs: opts.retryDelayMs,
        relistDelaysMs: opts.relistDelaysMs,
        ...opts.systemDeps?.(settings),
      }),
    ],
  ]);
  return {
    config,
    systems,
    system(name?: string): VicidialSystem {
      const sys = systems.get(name ?? DEFAULT_SYSTEM);
      if (sys) return sys;
      throw invalidInput("system", `"${name}" is not a configured VICIdial system.`, `Use one of: ${[...systems.keys()].join(", ")}.`);
    },
    audit,
    rateLimits: opts.rateLimits ?? new LocalRateLimits({ write: config.writeRate, destructive: config.destructiveRate }),
    redactor,
    log,
    sandbox: opts.sandbox,
    async drain(timeoutMs) {
      const left = await Promise.all([...systems.values()].map((s) => s.writer.drain(timeoutMs)));
      return left.reduce((a, b) => a + b, 0);
    },
    async close() {
      await Promise.all([...systems.values()].map((s) => s.close().catch(() => {})));
    },
  };
}
