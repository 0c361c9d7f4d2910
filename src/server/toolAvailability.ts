/**
 * Which tools this server offers, and why it does not offer the others. An
 * unavailable tool is not registered (tools/list never shows it), yet a call
 * to it by name, from a model that read about it elsewhere, gets an answer it
 * can act on: the reason's own code and fix in the contract's error shape,
 * not the SDK's bare "Tool ... not found". Each rule is one reason: read-only
 * mode, then the tool selection (VICIDIAL_TOOLS, toolSelection.ts).
 * A name no tool has answers with the names there are (toolServing.ts
 * answers both). Nothing is sent to VICIdial for any of these.
 */

import { type ErrorCode, ToolError } from "../common/errors.js";
import { DEFAULT_SYSTEM, type Services } from "../domain/runtime.js";
import type { ToolInfo } from "./toolCatalogue.js";
import { toolSelectionRule } from "./toolSelection.js";

/** Why one tool is not offered: the error a call to it answers with. */
export interface Unavailable {
  code: ErrorCode;
  message: string;
  cause: string;
  fix: string;
}

/** One reason a tool may be withheld: null when this rule lets the tool through. `tools`: every tool of this build. */
export type AvailabilityRule = (tool: ToolInfo, ctx: { services: Services; tools: readonly ToolInfo[] }) => Unavailable | null;

/** Write tools are withheld only when no system can write; a read-only system among writable ones refuses each call (READ_ONLY). */
export const readOnlyRule: AvailabilityRule = (tool, { services }) => {
  if (!tool.write) return null;
  const names = services.systems.names;
  if (!names.every((n) => services.systems.settings(n)?.readOnly)) return null;
  if (names.length === 1 && names[0] === DEFAULT_SYSTEM) {
    return {
      code: "READ_ONLY",
      message: `${tool.name} is not available: this server runs in read-only mode.`,
      cause:
        "VICIDIAL_READ_ONLY=true is set for this server, so it offers no tool that changes VICIdial or requests other servers; nothing was sent to VICIdial.",
      fix: "Ask whoever runs this server to set VICIDIAL_READ_ONLY=false (or remove it) in its environment or .env file and restart it.",
    };
  }
  return {
    code: "READ_ONLY",
    message: `${tool.name} is not available: every VICIdial system of this server is read-only (${names.join(", ")}).`,
    cause:
      "Each system in VICIDIAL_SYSTEMS_FILE is read_only, so this server offers no tool that changes VICIdial or requests other servers; nothing was sent to VICIdial.",
    fix: "Ask whoever runs this server to set read_only: false for the system to change in VICIDIAL_SYSTEMS_FILE and restart it.",
  };
};

export const AVAILABILITY_RULES: AvailabilityRule[] = [readOnlyRule, toolSelectionRule];

export interface ToolPlan<T extends ToolInfo = ToolInfo> {
  available: T[];
  /** Tool name -> why it is not offered (the first rule that withholds it). */
  unavailable: Map<string, Unavailable>;
}

export function planTools<T extends ToolInfo>(
  tools: readonly T[],
  services: Services,
  rules: AvailabilityRule[] = AVAILABILITY_RULES,
): ToolPlan<T> {
  const plan: ToolPlan<T> = { available: [], unavailable: new Map() };
  for (const tool of tools) {
    const reason = rules.reduce<Unavailable | null>((found, rule) => found ?? rule(tool, { services, tools }), null);
    if (reason) plan.unavailable.set(tool.name, reason);
    else plan.available.push(tool);
  }
  return plan;
}

/** Edit distance, for "did you mean" on a mistyped tool name. */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

export function unknownTool(name: string, available: string[]): ToolError {
  const near = available.filter((n) => distance(n, name) <= 3).sort((x, y) => distance(x, name) - distance(y, name))[0];
  return new ToolError({
    code: "INVALID_INPUT",
    field: "name",
    message: `Unknown tool "${name}".${near ? ` Did you mean ${near}?` : ""}`,
    cause: `This server has no tool named "${name}"; nothing was sent to VICIdial.`,
    fix: `Call one of this server's tools: ${available.join(", ")}.`,
  });
}
