/**
 * VICIDIAL_TOOLS: the tools this server registers, by name and by group, so
 * a deployment offers only what its callers need (a reporting agent gets
 * `read`, a pipeline `config`). Tools left out are withheld exactly as in
 * read-only mode (toolAvailability.ts): not listed, and a call by name gets
 * the reason and the fix. A name that is no tool and no group stops the start
 * with the valid ones (exit 2).
 *
 * Groups name tools by what they are for; a group may name a tool this
 * build does not have yet (it is then simply not there), and such a name is
 * accepted on its own too.
 */
import { ConfigError } from "../config/env.js";
import type { Services } from "../domain/runtime.js";
import type { AvailabilityRule } from "./toolAvailability.js";
import type { ToolInfo } from "./toolCatalogue.js";

type Members = (tools: readonly ToolInfo[]) => string[];

export const TOOL_GROUPS: Record<string, Members> = {
  /** Every read-only tool. */
  read: (tools) => tools.filter((t) => t.annotations.readOnlyHint).map((t) => t.name),
  /** Every tool that is not read-only. */
  write: (tools) => tools.filter((t) => !t.annotations.readOnlyHint).map((t) => t.name),
  deliveries: () => ["list_url_deliveries"],
  config: () => ["export_alt_urls", "plan_alt_urls", "apply_alt_urls"],
  history: () => ["list_changes", "undo_change"],
};

/** Every name VICIDIAL_TOOLS accepts: the groups, the tools, and the tools the groups name. */
function validNames(tools: readonly ToolInfo[]): { groups: string[]; tools: string[] } {
  const named = Object.values(TOOL_GROUPS).flatMap((members) => members(tools));
  return { groups: Object.keys(TOOL_GROUPS), tools: [...new Set([...tools.map((t) => t.name), ...named])] };
}

/**
 * The tool names a VICIDIAL_TOOLS list selects (null: no list, every tool).
 * Throws a ConfigError naming the first unknown entry and listing the valid ones.
 */
export function selectTools(selection: readonly string[] | null, tools: readonly ToolInfo[]): Set<string> | null {
  if (selection === null) return null;
  const valid = validNames(tools);
  const chosen = new Set<string>();
  for (const raw of selection) {
    const name = raw.trim().toLowerCase();
    const group = TOOL_GROUPS[name];
    if (group) for (const t of group(tools)) chosen.add(t);
    else if (valid.tools.includes(name)) chosen.add(name);
    else {
      throw new ConfigError(
        "VICIDIAL_TOOLS",
        `"${raw.trim()}" is no tool or group. Valid groups: ${valid.groups.join(", ")}. Valid tools: ${valid.tools.join(", ")}.`,
      );
    }
  }
  return chosen;
}

/**
 * The start's check of VICIDIAL_TOOLS: every name known, and at least one
 * tool of this version selected (a list of tools this version does not have
 * yet would start a server that offers nothing).
 */
export function checkToolSelection(selection: readonly string[] | null, tools: readonly ToolInfo[]): void {
  const chosen = selectTools(selection, tools);
  if (chosen === null || tools.some((t) => chosen.has(t.name))) return;
  throw new ConfigError(
    "VICIDIAL_TOOLS",
    `selects no tool this version has (${[...chosen].join(", ")}). Tools of this version: ${tools.map((t) => t.name).join(", ")}.`,
  );
}

const selections = new WeakMap<object, Set<string> | null>();

function selectionOf(services: Services, tools: readonly ToolInfo[]): Set<string> | null {
  if (!selections.has(services.config)) selections.set(services.config, selectTools(services.config.tools, tools));
  return selections.get(services.config) ?? null;
}

export const toolSelectionRule: AvailabilityRule = (tool, { services, tools }) => {
  const selected = selectionOf(services, tools);
  if (selected === null || selected.has(tool.name)) return null;
  const list = services.config.tools?.join(",") ?? "";
  return {
    code: "PERMISSION_DENIED",
    message: `${tool.name} is not available on this server: VICIDIAL_TOOLS does not select it.`,
    cause: `Whoever runs this server chose the tools it offers (VICIDIAL_TOOLS=${list}); ${tool.name} is not among them, so nothing was sent to VICIdial.`,
    fix: `Use one of the tools this server offers, or ask whoever runs it to add ${tool.name} (or a group holding it: ${groupsOf(tool, tools)}) to VICIDIAL_TOOLS and restart it.`,
  };
};

function groupsOf(tool: ToolInfo, tools: readonly ToolInfo[]): string {
  return Object.entries(TOOL_GROUPS)
    .filter(([, members]) => members(tools).includes(tool.name))
    .map(([g]) => g)
    .join(" or ");
}
