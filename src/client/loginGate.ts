/**
 * The login stop. VICIdial locks a user after ten failed logins, and every
 * authenticated request with a wrong password is one of them, so this gate
 * decides when an authenticated request may leave:
 *
 * - until a login has been seen to succeed ("unproven"), one request at a
 *   time, and the next one leaves only after the previous answer was judged;
 * - after a good login ("good"), requests run side by side;
 * - an answer that says the login failed (or the user is locked, or the
 *   address refused) stops everything ("stopped") until the server restarts;
 * - an answer lost on the way (timeout, reset, cut off) may itself have been a
 *   failed login: the requests after it go one at a time again, each judged
 *   before the next leaves ("unproven"), until an answer shows the login good.
 *   Nothing whose answer was lost is ever retried (the connection sees to it).
 *
 * The stop is checked at the moment a request leaves (inside the transport's
 * concurrency slot), not when it joins the queue, and each answer is judged
 * before its slot is freed, so a request waiting for that slot already sees
 * the stop. A request queued while the login was good that finds it in doubt
 * when its turn comes goes back through the gate (nothing was sent) and
 * leaves alone. So a password changed at VICIdial after a good login costs
 * at most the requests already in flight (VICIDIAL_MAX_CONCURRENCY).
 */
import { ToolError } from "../common/errors.js";

export type GateState = "unproven" | "good" | "stopped";

/** How an authenticated answer bears on the login. */
export type LoginVerdict = "good" | "failed" | "lost" | "neutral";

/** Thrown at the moment of leaving by a request that must go back through the gate; nothing was sent. */
const REQUEUE = Symbol("requeue");

type Outcome<T> = { value: T; verdict: LoginVerdict } | { error: unknown; verdict: LoginVerdict };

/** Record an answer's verdict; called inside the concurrency slot, before the next request may leave. */
export type Judged = (verdict: LoginVerdict, error?: unknown) => void;

export class LoginGate {
  private state: GateState = "unproven";
  private stopError: ToolError | null = null;
  /** Set while a lone request (unproven or recheck) is out; others wait on it. */
  private lone: Promise<void> | null = null;
  get current(): GateState {
    return this.state;
  }

  /** The failure that stopped every request, if any. */
  get stoppedBy(): ToolError | null {
    return this.stopError;
  }

  /** Throws when nothing may leave now; call at the moment a request leaves. */
  assertOpen(): void {
    if (this.stopError) throw this.stopError;
  }

  /**
   * Run one authenticated exchange. `exchange` sends (calling `leaving` right
   * before the request goes out, and `judged` with the answer's verdict while
   * it still holds its slot) and returns the value with the verdict.
   */
  async run<T>(exchange: (leaving: () => void, judged: Judged) => Promise<Outcome<T>>): Promise<T> {
    for (;;) {
      this.assertOpen();
      let observed = false;
      const judged: Judged = (verdict, error = null) => {
        if (observed) return;
        observed = true;
        this.observe(verdict, error);
      };
      if (this.state === "good") {
        const out = await exchange(() => {
          this.assertOpen();
          // Queued while the login was good, but an answer since put it in doubt: leave alone instead.
          if (this.state !== "good") throw REQUEUE;
        }, judged);
        if ("error" in out && out.error === REQUEUE) continue;
        return this.settle(out, judged);
      }
      if (this.lone) {
        await this.lone.catch(() => undefined);
        continue;
      }
      let release!: () => void;
      this.lone = new Promise<void>((r) => (release = r));
      try {
        return this.settle(await exchange(() => this.assertOpen(), judged), judged);
      } finally {
        this.lone = null;
        release();
      }
    }
  }

  private settle<T>(out: Outcome<T>, judged: Judged): T {
    judged(out.verdict, "error" in out ? out.error : null);
    if ("error" in out) throw out.error;
    return out.value;
  }

  /** Record what one answer says about the login. */
  observe(verdict: LoginVerdict, error: unknown = null): void {
    if (this.stopError) return;
    if (verdict === "good") {
      this.state = "good";
      return;
    }
    if (verdict === "failed") {
      this.stopError = error instanceof ToolError ? error : null;
      this.state = "stopped";
      return;
    }
    if (verdict === "lost") this.state = "unproven";
  }
}
