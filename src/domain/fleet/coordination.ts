/**
 * The coordination server (VICIDIAL_COORDINATION_URL, Redis or Valkey) that
 * several instances behind one load balancer share: write locks per entry
 * (locks.ts), the login stop and its one-at-a-time rule (loginGate.ts) and
 * the rate limits (rateLimits.ts). Loaded only when the variable is set.
 *
 * Nothing waits for a server that is away: commands fail at once while the
 * connection is down (no offline queue) and after a bounded time when it
 * hangs; the client reconnects by itself. Writes then fail closed with
 * `unavailable()`, and reads go on with this instance's own login gate.
 */
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import { ToolError } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import { shownCoordinationUrl } from "../../config/org.js";

export interface CoordinationOptions {
  url: string;
  log: Logger;
  /** Prefix of every key; default "vicidial-alturl-mcp". */
  prefix?: string;
  /** Longest wait for one command (a hung server); default 2000 ms. */
  commandTimeoutMs?: number;
}

/** A short, stable, non-reversible name for a value in a key (an actor, a VICIdial address). */
export function digest(value: string): string {
  return createHash("sha256").update(value).digest("hex").slice(0, 24);
}

export class Coordination {
  readonly redis: Redis;
  readonly shownUrl: string;
  private readonly prefix: string;
  private down = false;

  constructor(private readonly opts: CoordinationOptions) {
    this.shownUrl = shownCoordinationUrl(opts.url);
    this.prefix = opts.prefix ?? "vicidial-alturl-mcp";
    this.redis = new Redis(opts.url, {
      // A command while the connection is down fails at once instead of queueing: a write must not wait
      // behind an outage, and a read must not either.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs ?? 2000,
      connectTimeout: 2000,
      // Reconnect for ever, at most every 2 s: writes resume by themselves when the server is back.
      retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
      lazyConnect: true,
    });
    this.redis.on("ready", () => {
      if (this.down) opts.log.info(`coordination server ${this.shownUrl} is back: writes are accepted again`);
      this.down = false;
    });
    this.redis.on("error", (err: Error) => this.noteDown(err));
    this.redis.on("close", () => this.noteDown(null));
  }

  /** Connects, waiting at most `ms`; false (with a warning) when the server does not answer yet. */
  async start(ms = 3000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), ms)));
    const connected = this.redis.connect().then(
      () => "ok" as const,
      () => "failed" as const,
    );
    const outcome = await Promise.race([connected, timeout]);
    clearTimeout(timer);
    if (outcome === "ok") return true;
    this.noteDown(null);
    return false;
  }

  get ready(): boolean {
    return this.redis.status === "ready";
  }

  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(":");
  }

  /** Runs one command, or throws `unavailable()` when the server is away or does not answer. */
  async command<T>(what: string, run: (redis: Redis) => Promise<T>): Promise<T> {
    if (!this.ready) throw this.unavailable(what);
    try {
      return await run(this.redis);
    } catch (err) {
      this.noteDown(err as Error);
      throw this.unavailable(what);
    }
  }

  /** Why a write was refused: the coordination server is away, and how to bring it back. */
  unavailable(what: string): ToolError {
    return new ToolError({
      code: "VICIDIAL_UNREACHABLE",
      message: `Not sent: the coordination server ${this.shownUrl} (VICIDIAL_COORDINATION_URL) does not answer, so this instance cannot ${what}. Writes are refused until it answers again; reads keep working.`,
      cause:
        "The instances of this server share their write locks, the stop after a failed login and the rate limits through that Redis or Valkey server. Without it two instances could change the same entry at once (two rows for one request), so writes fail closed. Nothing was sent to VICIdial.",
      fix: "Start the Redis or Valkey server, or restore the network path and password to it (VICIDIAL_COORDINATION_URL), then call again: this server reconnects by itself. A single instance can run without it: unset VICIDIAL_COORDINATION_URL and restart.",
      retryable: true,
    });
  }

  async close(): Promise<void> {
    this.down = false;
    this.redis.removeAllListeners("close");
    try {
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }

  /** One warning per outage, not one per command. */
  private noteDown(err: Error | null): void {
    if (this.down) return;
    if (err === null && this.redis.status === "ready") return;
    this.down = true;
    const why = err?.message ? `: ${err.message}` : "";
    this.opts.log.warn(
      `coordination server ${this.shownUrl} is unreachable${why}. Writes are refused until it answers; reads go on with this instance's own login stop.`,
    );
  }
}
