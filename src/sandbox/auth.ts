/**
 * VICIdial's login check (facts §5 and §7): password, level, active flag,
 * the ten-failures lockout and the per-group IP list.
 */
import { ciEqual, type SandboxState } from "./state.js";
import type { SandboxUser } from "./types.js";

export const LOCK_TRIGGER_ATTEMPTS = 10;
export const LOCK_WINDOW_MS = 15 * 60 * 1000;

export type LoginResult = { kind: "GOOD"; user: SandboxUser } | { kind: "BAD" } | { kind: "LOCK" } | { kind: "IPBLOCK"; ip: string };

export interface LoginAttempt {
  user: string;
  pass: string;
  ip: string;
  now: number;
  /** lowest user level that may log in: 7 for the API, 8 for the admin page */
  minLevel: number;
}

/** Counts one failed login; the tenth inside 15 minutes locks the user for 15 minutes. */
export function recordFailure(state: SandboxState, user: SandboxUser, now: number): void {
  const st = state.logins.get(user.user) ?? { failures: [] };
  st.failures = st.failures.filter((t) => t > now - LOCK_WINDOW_MS);
  st.failures.push(now);
  if (st.failures.length >= LOCK_TRIGGER_ATTEMPTS) st.lockedUntil = now + LOCK_WINDOW_MS;
  state.logins.set(user.user, st);
}

/** Whether the user is locked right now (an expired lock is cleared here). */
export function isLocked(state: SandboxState, user: SandboxUser, now: number): boolean {
  const st = state.logins.get(user.user);
  if (st?.lockedUntil === undefined) return false;
  if (now < st.lockedUntil) return true;
  state.logins.delete(user.user);
  return false;
}

export function login(state: SandboxState, attempt: LoginAttempt): LoginResult {
  const user = state.findUser(attempt.user);
  // An unknown user has no row to count failures on.
  if (!user) return { kind: "BAD" };
  // Attempts while locked (right password or not) do not extend the lock.
  if (isLocked(state, user, attempt.now)) return { kind: "LOCK" };

  // pass compares like the rest of MySQL's *_ci columns when hashing is off.
  const good = ciEqual(user.pass, attempt.pass) && user.active === "Y" && user.user_level >= attempt.minLevel;
  if (!good) {
    recordFailure(state, user, attempt.now);
    return { kind: "BAD" };
  }
  state.logins.delete(user.user);

  const ipList = state.groupOf(user)?.api_ip_list;
  if (ipList && !ipList.includes(attempt.ip)) return { kind: "IPBLOCK", ip: attempt.ip };
  return { kind: "GOOD", user };
}

/** Failure counts per user for stats(): those still in the window, or all of them while locked. */
export function failedLoginCounts(state: SandboxState, now: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [user, st] of state.logins) {
    const locked = st.lockedUntil !== undefined && now < st.lockedUntil;
    if (st.lockedUntil !== undefined && !locked) continue;
    const count = locked ? st.failures.length : st.failures.filter((t) => t > now - LOCK_WINDOW_MS).length;
    if (count > 0) out[user] = count;
  }
  return out;
}
