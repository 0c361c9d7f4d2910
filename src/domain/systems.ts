/**
 * The configured VICIdial systems, each built on first use: a server with a
 * file of ten systems starts (and answers tools/list) without creating a
 * single connection or starting a single sandbox. A name is resolved here,
 * once, for every caller: the default when none is given, INVALID_INPUT
 * listing the names for a missing one (several systems, no default) or an
 * unknown one.
 */
import { invalidInput, ToolError } from "../common/errors.js";
import type { SystemSettings, VicidialSystem } from "./system.js";

/** What a system shows of itself without being built (list_systems, banners): never the user or password. */
export interface SystemView {
  name: string;
  default: boolean;
  /** The web root; for an embedded sandbox its address once started, `sandbox` before. */
  url: string;
  sandbox: boolean;
  started: boolean;
  source: string;
  timeout_ms: number;
  read_only: boolean;
  allowed_campaigns: string[] | null;
  require_https: boolean;
  allowed_url_hosts: string[] | null;
  max_concurrency: number;
}

/** The web root of an embedded sandbox until its first use starts it (and what list_systems shows then). */
export const UNSTARTED_SANDBOX = "sandbox";

export class SystemRegistry {
  private readonly settingsByName: Map<string, SystemSettings>;
  private readonly instances = new Map<string, VicidialSystem>();

  constructor(
    settings: SystemSettings[],
    readonly defaultName: string | null,
    private readonly build: (settings: SystemSettings) => VicidialSystem,
  ) {
    this.settingsByName = new Map(settings.map((s) => [s.name, s]));
  }

  get names(): string[] {
    return [...this.settingsByName.keys()];
  }

  get size(): number {
    return this.settingsByName.size;
  }

  has(name: string): boolean {
    return this.settingsByName.has(name);
  }

  /** The system of this name, built on first use; undefined for an unknown name. */
  get(name: string): VicidialSystem | undefined {
    const existing = this.instances.get(name);
    if (existing) return existing;
    const settings = this.settingsByName.get(name);
    if (!settings) return undefined;
    const sys = this.build(settings);
    this.instances.set(name, sys);
    return sys;
  }

  /** The settings of a system, without building it. */
  settings(name: string): SystemSettings | undefined {
    return this.settingsByName.get(name);
  }

  /** The name a call means: the one given, else the default; INVALID_INPUT when that is no system. */
  resolve(name: string | undefined, field = "system"): string {
    const names = this.names.join(", ");
    if (name === undefined) {
      if (this.defaultName !== null) return this.defaultName;
      throw new ToolError({
        code: "INVALID_INPUT",
        field,
        message: `${field} is missing: this server manages several VICIdial systems (${names}) and none is the default.`,
        cause: "Without a default system, every call that talks to VICIdial must say which system it means; nothing was sent.",
        fix: `Give ${field}: one of ${names} (list_systems describes each).`,
      });
    }
    if (this.settingsByName.has(name)) return name;
    throw invalidInput(field, `"${name}" is not a configured VICIdial system.`, `Use one of: ${names} (list_systems describes each).`);
  }

  /** Built systems only: closing or draining must not build the others. */
  built(): VicidialSystem[] {
    return [...this.instances.values()];
  }

  view(name: string): SystemView {
    const s = this.settingsByName.get(name)!;
    const built = this.instances.get(name);
    const url = built?.connection.baseUrl ?? s.baseUrl;
    return {
      name,
      default: name === this.defaultName,
      url,
      sandbox: s.sandbox,
      started: url !== UNSTARTED_SANDBOX,
      source: s.source,
      timeout_ms: s.timeoutMs,
      read_only: s.readOnly,
      allowed_campaigns: s.allowedCampaigns,
      require_https: s.requireHttps,
      allowed_url_hosts: s.allowedUrlHosts,
      max_concurrency: s.maxConcurrency,
    };
  }

  // As a map: iterating builds every system (callers that need only names use `names`).
  keys(): IterableIterator<string> {
    return this.settingsByName.keys();
  }

  *values(): IterableIterator<VicidialSystem> {
    for (const name of this.names) yield this.get(name)!;
  }

  *entries(): IterableIterator<[string, VicidialSystem]> {
    for (const name of this.names) yield [name, this.get(name)!];
  }

  [Symbol.iterator](): IterableIterator<[string, VicidialSystem]> {
    return this.entries();
  }
}
