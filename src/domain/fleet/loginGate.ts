/**
 * The login gate (client/loginGate.ts) shared by every instance that uses
 * one VICIdial user, so a wrong password costs one failed login for the
 * whole fleet, not one per instance:
 *
 * - the stop: an instance whose request shows a failed login records it on
 *   the coordination server; every instance checks that record before each
 *   request and stops as if it had seen the failure itself. The record lives
 *   15 minutes (the window in which VICIdial counts failures, facts §5): a
 *   restart within it stays stopped, one after it may try once more;
 * - one at a time until proven: while an instance has not seen a good login,
 *   its request goes out only while it holds the fleet's "lone" lock, so
 *   across the fleet at most one unproven request is out at any moment, and
 *   the next one leaves only after the previous answer was judged and, if it
 *   failed, recorded.
 *
 * The record never holds the password or anything made from it: it is keyed
 * by the web root and user. When the coordination server is away this gate
 * falls back to being this instance's own (its stop and its one at a time
 * still hold), so reads keep working; the fleet-wide promise is then one
 * failed login per instance.
 */
import { randomUUID } from "node:crypto";
import { type Judged, LoginGate, type LoginVerdict } from "../../client/loginGate.js";
import { ERROR_CODES, type ErrorCode, ToolError } from "../../common/errors.js";
import type { Logger } from "../../common/log.js";
import { type Coordination, digest } from "./coordination.js";

export const STOP_TTL_MS = 15 * 60_000;

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

type Exchange<T> = (
  leaving: () => void,
  judged: Judged,
) => Promise<{ value: T; verdict: LoginVerdict } | { error: unknown; verdict: LoginVerdict }>;

export interface FleetGateOptions {
  /** The VICIdial web root and user whose logins this gate guards. */
  baseUrl: string;
  user: string;
  /** The longest a lone request may take (the request timeout); the lone lock outlives it. */
  requestTimeoutMs: number;
  log: Logger;
  /** Longest wait for one check of the record, so a hung server slows no read much; default 250 ms. */
  checkTimeoutMs?: number;
}

interface StopRecord {
  code: string;
  message: string;
  cause: string;
  fix: string;
  at: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FleetLoginGate extends LoginGate {
  private readonly stopKey: string;
  private readonly loneKey: string;
  private readonly loneTtlMs: number;

  constructor(
    private readonly c: Coordination,
    private readonly opts: FleetGateOptions,
  ) {
    super();
    const who = digest(`${opts.baseUrl}\u0000${opts.user}`);
    this.stopKey = c.key("login-stop", who);
    this.loneKey = c.key("login-lone", who);
    this.loneTtlMs = opts.requestTimeoutMs + 30_000;
  }

  override async run<T>(exchange: Exchange<T>): Promise<T> {
    await this.adoptFleetStop();
    return super.run<T>(async (leaving, judged) => {
      if (this.current === "good") return this.reported(await exchange(leaving, judged));
      return this.alone(async () => {
        // Another instance may have failed while this one waited for its turn.
        await this.adoptFleetStop();
        return this.reported(await exchange(leaving, judged));
      });
    });
  }

  /** The fleet's stop, made this instance's own; throws it. Without the server: nothing known, nothing done. */
  private async adoptFleetStop(): Promise<void> {
    if (this.stoppedBy) throw this.stoppedBy;
    const raw = await this.quick(() => this.c.redis.get(this.stopKey));
    if (!raw) return;
    const stop = parseStop(raw);
    if (!stop) return;
    const code: ErrorCode = (ERROR_CODES as readonly string[]).includes(stop.code) ? (stop.code as ErrorCode) : "AUTH_FAILED";
    const error = new ToolError({
      code,
      message: `${stop.message} (Seen by another instance of this server at ${stop.at}; this instance sends nothing either.)`,
      cause: stop.cause,
      fix: `${stop.fix} Then restart every instance: the record of the failure on the coordination server expires 15 minutes after it (or delete the key ${this.stopKey} there).`,
    });
    this.opts.log.warn(`another instance recorded a failed VICIdial login at ${stop.at}: this instance stops too (${code})`);
    this.observe("failed", error);
    throw error;
  }

  /** Tells the fleet what an answer showed: a failed login stops every instance. */
  private async reported<T extends { verdict: LoginVerdict }>(out: T): Promise<T> {
    if (out.verdict !== "failed" || !("error" in out) || !(out.error instanceof ToolError)) return out;
    const e = out.error;
    const record: StopRecord = { code: e.code, message: e.message, cause: e.reason, fix: e.fix, at: new Date().toISOString() };
    const saved = await this.quick(() => this.c.redis.set(this.stopKey, JSON.stringify(record), "PX", STOP_TTL_MS, "NX"), 2000);
    if (saved === undefined) {
      this.opts.log.warn("could not record the failed login on the coordination server: other instances may each try once");
    }
    return out;
  }

  /** Runs `work` as the fleet's only unproven request; alone in this instance (the base gate) when the server is away. */
  private async alone<T>(work: () => Promise<T>): Promise<T> {
    const token = randomUUID();
    let held = false;
    const until = Date.now() + this.loneTtlMs * 2;
    for (let attempt = 0; Date.now() < until; attempt++) {
      const got = await this.quick(() => this.c.redis.set(this.loneKey, token, "PX", this.loneTtlMs, "NX"));
      if (got === undefined) break; // the server is away: this instance's own one-at-a-time holds
      if (got === "OK") {
        held = true;
        break;
      }
      await sleep(Math.min(5 * 2 ** attempt, 100) * (0.5 + Math.random()));
    }
    try {
      return await work();
    } finally {
      if (held) await this.quick(() => this.c.redis.eval(RELEASE, 1, this.loneKey, token), 2000);
    }
  }

  /** A command that may not take long: undefined when the server is away, fails or does not answer in time. */
  private async quick<T>(run: () => Promise<T>, ms = this.opts.checkTimeoutMs ?? 250): Promise<T | undefined> {
    if (!this.c.ready) return undefined;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([run(), new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}

function parseStop(raw: string): StopRecord | null {
  try {
    const v = JSON.parse(raw) as Partial<StopRecord>;
    if (typeof v.message !== "string" || typeof v.code !== "string") return null;
    return { code: v.code, message: v.message, cause: String(v.cause ?? ""), fix: String(v.fix ?? ""), at: String(v.at ?? "") };
  } catch {
    return null;
  }
}
