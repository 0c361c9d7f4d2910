/**
 * The two answers a client waits for before it can do anything, initialize
 * and tools/list, computed without the SDK or zod: the stdio entry gives them
 * while the SDK is still to be loaded (src/entry/stdio.ts), and the SDK's
 * handlers give the same ones once it is (toolServing.ts, createServer.ts).
 * test/stdio-handshake.test.ts holds the SDK to the same answers.
 */
import type { Services } from "../domain/runtime.js";
import { SERVER_CAPABILITIES, SERVER_INFO, serverInstructions } from "./serverIdentity.js";
import { planTools, type ToolPlan } from "./toolAvailability.js";
import { toolCatalogue } from "./toolCatalogue.js";
import type { ToolListing } from "./toolListing.js";

declare const __PROTOCOL_VERSIONS__: string | undefined;

export interface ProtocolVersions {
  latest: string;
  supported: readonly string[];
}

let versions: Promise<ProtocolVersions> | undefined;

/** The MCP protocol versions of the SDK this build bundles: read off it by the build (scripts/bundle.mjs), or from it when run from source. */
export function protocolVersions(): Promise<ProtocolVersions> {
  versions ??=
    typeof __PROTOCOL_VERSIONS__ === "string"
      ? Promise.resolve(JSON.parse(__PROTOCOL_VERSIONS__) as ProtocolVersions)
      : import("@modelcontextprotocol/sdk/types.js").then((t) => ({
          latest: t.LATEST_PROTOCOL_VERSION,
          supported: t.SUPPORTED_PROTOCOL_VERSIONS,
        }));
  return versions;
}

/** initialize's result: the version the client asked for if the SDK speaks it, else the SDK's latest (the SDK's own rule). */
export async function initializeResult(services: Services, requestedVersion: string) {
  const { latest, supported } = await protocolVersions();
  return {
    protocolVersion: supported.includes(requestedVersion) ? requestedVersion : latest,
    capabilities: structuredClone(SERVER_CAPABILITIES),
    serverInfo: { ...SERVER_INFO },
    instructions: serverInstructions(services),
  };
}

const plans = new WeakMap<Services, Promise<ToolPlan<ToolListing>>>();

/** The tools this configuration offers and why it withholds the others, computed once per set of services. */
export function toolPlanOf(services: Services): Promise<ToolPlan<ToolListing>> {
  let plan = plans.get(services);
  if (!plan) {
    plan = toolCatalogue().then((all) => planTools(all, services));
    plans.set(services, plan);
  }
  return plan;
}

/** The tools/list entry of a listing (without our own `write` flag). */
export function toolOf(listing: ToolListing): Omit<ToolListing, "write"> {
  const { write: _write, ...tool } = listing;
  return tool;
}

/** tools/list's result for a caller without scopes (stdio, or HTTP without OAuth). */
export async function toolsListResult(services: Services) {
  return { tools: (await toolPlanOf(services)).available.map(toolOf) };
}
