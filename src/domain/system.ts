/**
 * One VICIdial system and everything that is its own: the connection (and
 * with it the login stop and the concurrency cap), the ways in (API, admin
 * page) behind their stores, the entry directory with its cache and
 * restrictions, the URL policy and the writer with its write locks. A wrong
 * password on one system never stops another.
 */
import { AdminPage } from "../client/adminPage.js";
import { AdminStore } from "../client/adminStore.js";
import { VicidialApi } from "../client/api.js";
import { ApiStore } from "../client/apiStore.js";
import { VicidialConnection } from "../client/connection.js";
import type { LoginGate } from "../client/loginGate.js";
import type { AltUrlStore, Way } from "../client/stores.js";
import { UrlLogReport } from "../client/urlLogReport.js";
import { KeyedMutex } from "../common/concurrency.js";
import { ToolError } from "../common/errors.js";
import type { EntryRef, EntryType } from "../common/model.js";
import type { AuditLog } from "./audit.js";
import { EntryDirectory } from "./entries.js";
import type { UrlPolicy } from "./urlPolicy.js";
import { AltUrlWriter, type LockProvider, readOnlySystem } from "./writer.js";

export interface SystemSettings {
  name: string;
  /** The web root (the embedded sandbox's address when `sandbox`). */
  baseUrl: string;
  user: string;
  pass: string;
  source: string;
  timeoutMs: number;
  maxConcurrency: number;
  readOnly: boolean;
  /** Upper-cased ids, or null for all. */
  allowedCampaigns: string[] | null;
  requireHttps: boolean;
  allowedUrlHosts: string[] | null;
  sandbox: boolean;
}

export interface SystemDeps {
  audit: AuditLog;
  /** Default: locks held in this process. */
  locks?: LockProvider;
  gate?: LoginGate;
  retryDelayMs?: number;
  relistDelaysMs?: number[];
  /** For an embedded sandbox started on first use: starts it, resolves with its web root (settings.baseUrl is a placeholder). */
  startWebRoot?: () => Promise<string>;
}

/** Which way in serves an entry type (facts §9: only the admin page reaches in-groups and lists). */
export function wayFor(type: EntryType): Way {
  return type === "campaign" ? "api" : "admin";
}

export class VicidialSystem {
  readonly connection: VicidialConnection;
  readonly api: VicidialApi;
  readonly admin: AdminPage;
  /** The URL Log Report: what VICIdial fetched (level 7 and View Reports are enough, so no level-8 guard). */
  readonly report: UrlLogReport;
  readonly entries: EntryDirectory;
  readonly writer: AltUrlWriter;
  readonly policy: UrlPolicy;
  private readonly stores: Record<Way, AltUrlStore>;

  constructor(
    readonly settings: SystemSettings,
    deps: SystemDeps,
  ) {
    this.connection = new VicidialConnection({
      baseUrl: settings.baseUrl,
      user: settings.user,
      pass: settings.pass,
      source: settings.source,
      timeoutMs: settings.timeoutMs,
      maxConcurrency: settings.maxConcurrency,
      retryDelayMs: deps.retryDelayMs,
      gate: deps.gate,
      start: deps.startWebRoot,
    });
    this.api = new VicidialApi(this.connection);
    this.admin = new AdminPage(this.connection, () => this.assertAdminSafe());
    this.report = new UrlLogReport(this.connection);
    this.stores = { api: new ApiStore(this.api, this.admin), admin: new AdminStore(this.admin) };
    this.entries = new EntryDirectory(this.api, settings.allowedCampaigns);
    this.policy = { requireHttps: settings.requireHttps, allowedHosts: settings.allowedUrlHosts };
    this.writer = new AltUrlWriter({
      system: settings.name,
      sandbox: settings.sandbox,
      readOnly: settings.readOnly,
      storeFor: (entry) => this.storeFor(entry),
      locks: deps.locks ?? new KeyedMutex(),
      audit: deps.audit,
      policy: this.policy,
      // A timed-out write may land late: look again after a moment, in proportion to the timeout.
      relistDelaysMs: deps.relistDelaysMs ?? [Math.min(1000, settings.timeoutMs / 3), Math.min(3000, settings.timeoutMs)],
    });
  }

  get name(): string {
    return this.settings.name;
  }

  /** Refuses a write tool (its dry run too) on a read-only system, before anything is sent. */
  assertWritable(tool: string): void {
    if (this.settings.readOnly) throw readOnlySystem(this.name, tool);
  }

  /**
   * The admin page counts every 401 as a failed login, a level-7 user's right
   * password included, so it is used only once the API has shown the user is
   * level 8 or more (facts §7). Resolves when that is known; sends at most
   * one read-only API request to learn it.
   */
  async assertAdminSafe(): Promise<void> {
    if (this.api.level8Proven) return;
    this.proving ??= this.proveLevel8().finally(() => {
      this.proving = null;
    });
    return this.proving;
  }

  private proving: Promise<void> | null = null;

  private async proveLevel8(): Promise<void> {
    if (await this.api.probeLevel8()) return;
    throw new ToolError({
      code: "PERMISSION_DENIED",
      message:
        "Not sent: VICIdial's API says the API user may not change campaigns, so this server does not use VICIdial's Alt URL admin page.",
      cause:
        'The admin page (needed for deletes and for every in-group and list Alt URL) refuses users below level 8 with a 401 that VICIdial counts as a failed login; the API has not shown this user is level 8 with "Modify Campaigns" and "API Access".',
      fix: 'In VICIdial Admin > Users > (the API user) > Modify set User Level 8 or more, Active = Y, "Modify Campaigns" = 1 and "API Access" = 1, then call again.',
    });
  }

  storeFor(entry: EntryRef): AltUrlStore {
    return this.stores[wayFor(entry.type)];
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
