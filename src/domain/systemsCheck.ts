/**
 * check_connection and `doctor` over several systems: each one's report
 * (version, login, rights, ALT mode, with the fix beside every problem), the
 * server's own checks (configuration, audit log) once. Systems are checked
 * side by side: each has its own connection and login stop, so a wrong
 * password on one costs that one a single failed login and nothing else.
 */
import { type Check, type ConnectionReport, reportText, runChecks } from "./connectionCheck.js";
import type { Services } from "./runtime.js";

export type SystemReport = ConnectionReport & { system: string };

export interface SystemsReport {
  ok: boolean;
  systems: SystemReport[];
}

/** Every system (or the one named), in the configuration's order. */
export async function checkSystems(s: Services, name?: string): Promise<SystemsReport> {
  const names = name !== undefined ? [s.systems.resolve(name)] : s.systems.names;
  const systems = await Promise.all(names.map(async (n, i) => ({ system: n, ...(await runChecks(s, n, { shared: i === 0 })) })));
  return { ok: systems.every((r) => r.ok), systems };
}

/** Every check of every system, each naming its system. */
export function allChecks(r: SystemsReport): (Check & { system: string })[] {
  return r.systems.flatMap((sys) => sys.checks.map((c) => ({ system: sys.system, ...c })));
}

/** The report for a person: one block per system, headed by its name when there are several. */
export function systemsReportText(r: SystemsReport, sandboxes: ReadonlySet<string> = new Set()): string {
  if (r.systems.length === 1) return reportText(r.systems[0]!);
  return r.systems
    .map((sys) => `System ${sys.system}${sandboxes.has(sys.system) ? " (embedded sandbox)" : ""}: ${reportText(sys)}`)
    .join("\n\n");
}
