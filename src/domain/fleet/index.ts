/**
 * Several instances behind one load balancer (VICIDIAL_COORDINATION_URL):
 * the pieces each instance shares through the coordination server, handed to
 * createServices. Imported lazily by the entry point, only when the variable
 * is set, so a single instance never loads the Redis client.
 */

import type { Logger } from "../../common/log.js";
import type { Config } from "../../config/env.js";
import type { SystemDeps, SystemSettings } from "../system.js";
import { Coordination, digest } from "./coordination.js";
import { FleetLocks } from "./locks.js";
import { FleetLoginGate } from "./loginGate.js";
import { FleetRateLimits } from "./rateLimits.js";

export { Coordination } from "./coordination.js";
export { FleetLocks } from "./locks.js";
export { FleetLoginGate, STOP_TTL_MS } from "./loginGate.js";
export { FleetRateLimits } from "./rateLimits.js";

export interface Fleet {
  coordination: Coordination;
  /** Sends the fleet's log lines to this logger from now on (the services' own, once they exist). */
  useLogger(log: Logger): void;
  rateLimits: FleetRateLimits;
  /** Each system's write locks and login gate, shared with the other instances. */
  systemDeps(settings: SystemSettings): Pick<SystemDeps, "locks" | "gate">;
  close(): Promise<void>;
}

/**
 * Connects (waiting a few seconds at most) and returns the shared pieces. A
 * server that does not answer yet is no reason not to start: reads work
 * without it, and writes are refused until it answers (logged).
 */
export async function startFleet(opts: { url: string; config: Config; log: Logger; connectWaitMs?: number }): Promise<Fleet> {
  let target = opts.log;
  const log: Logger = {
    debug: (m) => target.debug(m),
    info: (m) => target.info(m),
    warn: (m) => target.warn(m),
    error: (m) => target.error(m),
    subscribe: (sink) => target.subscribe(sink),
  };
  const coordination = new Coordination({ url: opts.url, log });
  await coordination.start(opts.connectWaitMs);
  return {
    coordination,
    useLogger(next) {
      target = next;
    },
    rateLimits: new FleetRateLimits(coordination, { write: opts.config.writeRate, destructive: opts.config.destructiveRate }),
    systemDeps: (settings) => ({
      locks: new FleetLocks(coordination, { namespace: digest(settings.baseUrl), log }),
      gate: new FleetLoginGate(coordination, {
        baseUrl: settings.baseUrl,
        user: settings.user,
        requestTimeoutMs: settings.timeoutMs,
        log,
      }),
    }),
    close: () => coordination.close(),
  };
}
