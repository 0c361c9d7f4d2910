/**
 * Everything a tool needs, built once per process from the configuration:
 * the VICIdial systems (each with its own connection, login stop, locks and
 * restrictions), the audit log, the redactor and the logger.
 */

import { createLogger, type Logger, type LogLevel } from "../common/log.js";
import { Redactor } from "../common/redact.js";
import type { Config } from "../config/env.js";
import { AuditLog } from "./audit.js";
import { LocalRateLimits, type RateLimits } from "./rateLimits.js";
import { type SystemDeps, type SystemSettings, VicidialSystem } from "./system.js";
import { SystemRegistry, UNSTARTED_SANDBOX } from "./systems.js";

export interface Services {
  config: Config;
  /** Every configured system, each built on first use. */
  systems: SystemRegistry;
  /** The system a call means: the named one, else the default (INVALID_INPUT listing the names otherwise). */
  system(name?: string): VicidialSystem;
  /** The system a call without `system` means; null when there are several and none is the default. */
  defaultSystem: string | null;
  audit: AuditLog;
  /** Per-actor limits on writes (VICIDIAL_WRITE_RATE, VICIDIAL_DESTRUCTIVE_RATE), this process's or the fleet's. */
  rateLimits: RateLimits;
  redactor: Redactor;
  log: Logger;
  /** True when the default VICIdial is an embedded sandbox (with no default: when every system is one). */
  sandbox: boolean;
  /** The sandbox flag for a result about this system (unknown or none: `sandbox`). */
  sandboxFor(name: string | undefined): boolean;
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

/** Several systems (VICIDIAL_SYSTEMS_FILE): their settings, the default, and how an embedded sandbox is started on first use. */
export interface SystemsSetup {
  systems: SystemSettings[];
  defaultSystem: string | null;
  /** Starts the embedded sandbox of a system whose baseUrl is UNSTARTED_SANDBOX; resolves with its web root. */
  startSandbox?: (system: string) => Promise<string>;
}

export const DEFAULT_SYSTEM = "default";

/** The one system the single-system variables describe, named `default`. */
/**
 * `baseUrl` UNSTARTED_SANDBOX with `startSandbox`: an embedded sandbox
 * started by the first call that needs it.
 */
export function createServices(config: Config, baseUrl: string, opts: ServiceOptions & Pick<SystemsSetup, "startSandbox">): Services {
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
  return createSystemsServices(config, { systems: [settings], defaultSystem: DEFAULT_SYSTEM, startSandbox: opts.startSandbox }, opts);
}

export function createSystemsServices(config: Config, setup: SystemsSetup, opts: ServiceOptions): Services {
  const redactor = new Redactor();
  const log = createLogger(redactor, opts.logLevel);
  const audit = new AuditLog({ file: config.auditLog, redactor, onProblem: (m) => log.warn(m), timeoutMs: opts.auditTimeoutMs });
  const start = setup.startSandbox;
  const systems = new SystemRegistry(
    setup.systems,
    setup.defaultSystem,
    (settings) =>
      new VicidialSystem(settings, {
        audit,
        retryDelayMs: opts.retryDelayMs,
        relistDelaysMs: opts.relistDelaysMs,
        startWebRoot: settings.baseUrl === UNSTARTED_SANDBOX && start ? () => start(settings.name) : undefined,
        ...opts.systemDeps?.(settings),
      }),
  );
  const all = setup.systems;
  const sandbox =
    setup.defaultSystem !== null ? (systems.settings(setup.defaultSystem)?.sandbox ?? opts.sandbox) : all.every((x) => x.sandbox);
  return {
    config,
    systems,
    system(name?: string): VicidialSystem {
      return systems.get(systems.resolve(name))!;
    },
    defaultSystem: setup.defaultSystem,
    audit,
    rateLimits: opts.rateLimits ?? new LocalRateLimits({ write: config.writeRate, destructive: config.destructiveRate }),
    redactor,
    log,
    sandbox,
    sandboxFor(name) {
      const n = name ?? setup.defaultSystem;
      const known = n === null ? undefined : systems.settings(n);
      return known ? known.sandbox : sandbox;
    },
    async drain(timeoutMs) {
      const left = await Promise.all(systems.built().map((s) => s.writer.drain(timeoutMs)));
      return left.reduce((a, b) => a + b, 0);
    },
    async close() {
      await Promise.all(systems.built().map((s) => s.close().catch(() => {})));
    },
  };
}
