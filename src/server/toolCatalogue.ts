/**
 * The tools of this build, without loading them. tools/list, the tool
 * selection (VICIDIAL_TOOLS) and the scope and rate checks need only each
 * tool's listing (name, schemas as JSON, hints), which the build computes once
 * (scripts/bundle.mjs defines __TOOL_CATALOGUE__); a tool's module, its zod
 * schemas and the domain code behind it are loaded by the first tools/call.
 * Run from source (tests), the listing is computed from the definitions.
 */
import type { ToolAnnotations, ToolDefinition } from "../tools/shared/define.js";
import type { ToolListing } from "./toolListing.js";

/** What the server needs to know of a tool to offer, withhold or admit it (a listing or a definition). */
export interface ToolInfo {
  name: string;
  write: boolean;
  annotations: ToolAnnotations;
}

declare const __TOOL_CATALOGUE__: string | undefined;

let listings: Promise<ToolListing[]> | undefined;
let definitions: Promise<Map<string, ToolDefinition>> | undefined;

function loadDefinitions(): Promise<Map<string, ToolDefinition>> {
  definitions ??= import("../tools/index.js").then(({ ALL_TOOLS }) => new Map(ALL_TOOLS.map((t) => [t.name, t])));
  return definitions;
}

/** Every tool's listing, in the order tools/list shows them. */
export function toolCatalogue(): Promise<ToolListing[]> {
  listings ??=
    typeof __TOOL_CATALOGUE__ === "string"
      ? Promise.resolve(JSON.parse(__TOOL_CATALOGUE__) as ToolListing[])
      : Promise.all([loadDefinitions(), import("./toolListing.js")]).then(([defs, { listingOf }]) => [...defs.values()].map(listingOf));
  return listings;
}

/** The definition (schemas and handler) of a tool of this build; loads every tool's module once. */
export async function toolDefinition(name: string): Promise<ToolDefinition | undefined> {
  return (await loadDefinitions()).get(name);
}

/**
 * Load the tools' modules once the event loop is free: called after the first
 * tools/list is answered, so the client's first call rarely waits for them.
 */
export function preloadTools(): void {
  setTimeout(() => void loadDefinitions().catch(() => {}), 0).unref();
}
