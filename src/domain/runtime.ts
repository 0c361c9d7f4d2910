/**
 * Everything a tool needs, built once per server from the configuration:
 * the VICIdial client, the campaign directory, per-campaign write locks, the
 * audit log, the redactor and the logger.
 */

import { VicidialClient } from "../client/vicidial.js";
import type { Config } from "../config/env.js";
import { KeyedMutex } from "../shared/concurrency.js";
import { createLogger, type Logger, type LogLevel } from "../shared/log.js";
import type { Redactor } from "../shared/redact.js";
import { AuditLog } from "./audit.js";
import { CampaignDirectory } from "./campaigns.js";

export interface Services {
  config: Config;
  client: VicidialClient;
  campaigns: CampaignDirectory;
  /** Writes to one campaign run one at a time (key: canonical id, upper case). */
  locks: KeyedMutex;
  audit: AuditLog;
  redactor: Redactor;
  log: Logger;
  /** True when the VICIdial is the embedded sandbox. */
  sandbox: boolean;
}

export function createServices(
  config: Config,
  baseUrl: string,
  opts: { sandbox: boolean; logLevel?: LogLevel; retryDelayMs?: number },
): Services {
  const client = new VicidialClient({
    baseUrl,
    user: config.user,
    pass: config.pass,
    source: config.source,
    timeoutMs: config.timeoutMs,
    maxConcurrency: config.maxConcurrency,
    retryDelayMs: opts.retryDelayMs,
  });
  const redactor = client.redactor;
  const log = createLogger(redactor, opts.logLevel);
  return {
    config,
    client,
    campaigns: new CampaignDirectory(client, config.allowedCampaigns),
    locks: new KeyedMutex(),
    audit: new AuditLog(config.auditLog, redactor, (m) => log.warn(m)),
    redactor,
    log,
    sandbox: opts.sandbox,
  };
}
