/**
 * Write locks shared by every instance: one Redis key per entry, set only
 * when absent, holding a random token and a time to live; renewed while the
 * write runs and deleted at the end only by the holder (compare and delete),
 * so a lock that expired and was taken by another instance is never released
 * by the first. Within one instance writers queue on a local lock first, so
 * only one of them at a time polls the server.
 *
 * Fails closed: when the server does not answer, the write is refused before
 * anything is sent (Coordination.unavailable). What a Redis lock cannot
 * promise: a holder cut off from the server for longer than the time to live
 * (30 s) may lose its lock while its write is still going; it logs an error.
 */
import { randomUUID } from "node:crypto";
import { KeyedMutex } from "../../common/concurrency.js";
import { ToolError } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import type { LockProvider } from "../writer.js";
import { type Coordination, digest } from "./coordination.js";

const RENEW = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("pexpire", KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

export interface FleetLockOptions {
  /** Keeps the locks of different VICIdial systems apart (a digest of the web root). */
  namespace: string;
  log: Logger;
  /** Time to live of a lock; renewed every third of it. Default 30 s. */
  ttlMs?: number;
  /** Longest wait for a lock another instance holds. Default 5 min. */
  waitMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FleetLocks implements LockProvider {
  private readonly local = new KeyedMutex();
  private readonly ttlMs: number;
  private readonly waitMs: number;

  constructor(
    private readonly c: Coordination,
    private readonly opts: FleetLockOptions,
  ) {
    this.ttlMs = opts.ttlMs ?? 30_000;
    this.waitMs = opts.waitMs ?? 300_000;
  }

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.local.run(key, async () => {
      const redisKey = this.c.key("lock", this.opts.namespace, digest(key));
      const token = randomUUID();
      await this.acquire(redisKey, token, key);
      const renewal = setInterval(() => void this.renew(redisKey, token, key), Math.floor(this.ttlMs / 3));
      renewal.unref();
      try {
        return await task();
      } finally {
        clearInterval(renewal);
        await this.c
          .command("release the write lock", (r) => r.eval(RELEASE, 1, redisKey, token))
          .catch(() =>
            this.opts.log.warn(`could not release a write lock (${readable(key)}); it expires by itself in ${this.ttlMs / 1000} s`),
          );
      }
    });
  }

  private async acquire(redisKey: string, token: string, key: string): Promise<void> {
    const until = Date.now() + this.waitMs;
    for (let attempt = 0; ; attempt++) {
      const got = await this.c.command("take the write lock it shares with the other instances", (r) =>
        r.set(redisKey, token, "PX", this.ttlMs, "NX"),
      );
      if (got === "OK") return;
      if (Date.now() > until) {
        throw new ToolError({
          code: "TIMEOUT",
          message: `Not sent: waited ${Math.round(this.waitMs / 1000)} s for the write lock of ${readable(key)}, which another instance of this server holds.`,
          cause:
            "Another instance is still writing to this entry (a long copy or apply), or it stopped while holding the lock and the lock has not expired. Nothing was sent to VICIdial.",
          fix: "Call again in a minute; list the entry first to see what the other write did.",
          retryable: true,
        });
      }
      // Short waits first (most writes take a few requests), then at most 100 ms, with jitter.
      await sleep(Math.min(5 * 2 ** attempt, 100) * (0.5 + Math.random()));
    }
  }

  private async renew(redisKey: string, token: string, key: string): Promise<void> {
    try {
      const kept = await this.c.command("renew the write lock", (r) => r.eval(RENEW, 1, redisKey, token, String(this.ttlMs)));
      if (kept === 0) {
        this.opts.log.error(
          `the write lock of ${readable(key)} expired while a write was running (the coordination server was away too long); another instance may write the same entry now`,
        );
      }
    } catch {
      // Logged by the coordination client; the lock lives on for the rest of its time to live.
    }
  }
}

/** The writer's key (system, entry type, id joined by NUL) as a person reads it. */
function readable(key: string): string {
  const [system, type, id] = key.split("\u0000");
  return id === undefined ? key : `${type} ${id} on system ${system}`;
}
