/**
 * VICIdial 2.14's login check, shared by the API, the admin page and the
 * URL Log Report: password, level, active flag, the failed-login lock and
 * the per-group IP list.
 *
 * The lock works on two columns of the user, as VICIdial's own check does:
 * a login is refused (even with the right password) while the failed-login
 * count is 10 or more AND last_login_date is less than 15 minutes old. A good
 * login stamps the date and resets the count; a failure adds one to the
 * count, except the one that finds the count at 10 with an old date, which
 * restarts the count at 1 and stamps the date. Attempts while locked change
 * nothing, so they do not extend the lock.
 */
import type { SandboxState } from "./state.js";
import { ciEqual } from "./state.js";
import type { SandboxUser } from "./types.js";

export const LOCK_TRIGGER_ATTEMPTS = 10;
export const LOCK_WINDOW_MS = 15 * 60 * 1000;

export type LoginResult = { kind: "GOOD"; user: SandboxUser } | { kind: "BAD" } | { kind: "LOCK" } | { kind: "IPBLOCK"; ip: string };

export interface LoginAttempt {
  /** user and password after the page's own sanitising */
  user: string;
  pass: string;
  /** client IP, for the IP list */
  ip: string;
  /** ms clock */
  now: number;
  /** lowest user level that may log in: 7 for the API and the report, 8 for the admin page */
  minLevel: number;
}

/** Whether the user is locked out right now. */
export function isLocked(state: SandboxState, user: SandboxUser, now: number): boolean {
  const rec = state.loginRecord(user);
  return rec.failedLoginCount >= LOCK_TRIGGER_ATTEMPTS && rec.lastLoginAt > now - LOCK_WINDOW_MS;
}

/** One login attempt: answers GOOD, BAD, LOCK or IPBLOCK and updates the user's counters. */
export function login(state: SandboxState, attempt: LoginAttempt): LoginResult {
  const user = state.findUser(attempt.user);
  // An unknown user has no row to count failures on.
  if (!user) return { kind: "BAD" };
  const rec = state.loginRecord(user);
  const locked = isLocked(state, user, attempt.now);

  // pass compares like the rest of MySQL's *_ci columns when hashing is off.
  const good = !locked && ciEqual(user.pass, attempt.pass) && user.active === "Y" && user.user_level >= attempt.minLevel;
  if (!good) {
    if (rec.failedLoginCount < LOCK_TRIGGER_ATTEMPTS) {
      rec.failedLoginCount++;
      return { kind: "BAD" };
    }
    if (locked) return { kind: "LOCK" };
    // Ten failures long ago: this one starts a new count and a new window.
    rec.failedLoginCount = 1;
    rec.lastLoginAt = attempt.now;
    return { kind: "BAD" };
  }
  // A blocked address is no good login: the counters stay as they are.
  const ipList = state.groupOf(user)?.api_ip_list;
  if (ipList && !ipList.includes(attempt.ip)) return { kind: "IPBLOCK", ip: attempt.ip };
  rec.failedLoginCount = 0;
  rec.lastLoginAt = attempt.now;
  return { kind: "GOOD", user };
}
