/**
 * Several systems in the server's other surfaces: the instructions name them
 * and list_systems, resource templates scoped to a system (its variable
 * completed with the system names, campaign ids completed from the system
 * chosen), prompts with a system argument, and tool availability when every
 * system is read-only versus when one can write.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemsBannerLines } from "../src/entry/systems.js";
import { defaultSeed, type Sandbox, startSandbox } from "../src/sandbox/index.js";
import { call } from "./helpers/harness.js";
import { inProcessSystems } from "./helpers/systems.js";

let staging: Sandbox;
let production: Sandbox;
let h: Awaited<ReturnType<typeof inProcessSystems>>;

beforeAll(async () => {
  staging = await startSandbox();
  // Production has a campaign staging does not, so completions show which system answered.
  const seed = defaultSeed();
  seed.campaigns.push({ ...seed.campaigns[0]!, campaign_id: "4001", campaign_name: "Production only" });
  production = await startSandbox({ seed });
  h = await inProcessSystems({
    systems: [
      { name: "staging", sandbox: staging },
      { name: "production", sandbox: production, readOnly: true },
    ],
    defaultSystem: "staging",
  });
});
afterAll(async () => {
  await h.close();
  await staging.close();
  await production.close();
});

describe("instructions and tools", () => {
  it("the instructions name the systems, the default, the read-only one and list_systems", () => {
    const text = h.client.getInstructions() ?? "";
    expect(text).toContain("staging (default)");
    expect(text).toContain("production (read-only)");
    expect(text).toContain("list_systems");
    expect(text).toContain("from_system and to_system");
  });

  it("write tools stay registered while one system can write", async () => {
    const names = (await h.client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["set_alt_url", "delete_alt_url", "copy_alt_urls", "list_systems"]));
  });

  it("when every system is read-only, no write tool is registered, and a call by name says why", async () => {
    const ro = await inProcessSystems({
      systems: [
        { name: "a", sandbox: staging, readOnly: true },
        { name: "b", sandbox: production, readOnly: true },
      ],
      defaultSystem: "a",
    });
    try {
      const names = (await ro.client.listTools()).tools.map((t) => t.name);
      expect(names).not.toContain("set_alt_url");
      expect(names).not.toContain("test_alt_url");
      expect(names).toContain("list_systems");
      const r = await call(ro.client, "set_alt_url", { campaign_id: "2001", statuses: ["SALE"], url: "https://crm.example.com/x" });
      expect(r.structured.error?.code).toBe("READ_ONLY");
      expect(r.structured.error?.message).toContain("every VICIdial system of this server is read-only (a, b)");
      expect(ro.client.getInstructions()).toContain("Read-only mode");
    } finally {
      await ro.close();
    }
  });
});

describe("the banner at start", () => {
  it("describes every system, its address, the default and read-only, never a password", () => {
    const lines = systemsBannerLines(h.services, "/etc/systems.yaml");
    expect(lines[0]).toBe("VICIdial systems from /etc/systems.yaml (connected on first use):");
    expect(lines).toContain(`  staging: ${staging.url}, as user 6666 (default)`);
    expect(lines).toContain(`  production: ${production.url}, as user 6666 (read-only)`);
    expect(lines.join("\n")).not.toContain("sandbox1234");
  });
});

describe("resources", () => {
  it("adds a template per entry type scoped to a system", async () => {
    const templates = (await h.client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate);
    expect(templates).toEqual(
      expect.arrayContaining([
        "vicidial://campaigns/{campaign_id}/alt-urls/{url_type}",
        "vicidial://systems/{system}/campaigns/{campaign_id}/alt-urls/{url_type}",
        "vicidial://systems/{system}/ingroups/{campaign_id}/alt-urls/{url_type}",
        "vicidial://systems/{system}/lists/{campaign_id}/alt-urls/{url_type}",
      ]),
    );
  });

  it("completes the system variable with the system names", async () => {
    const r = await h.client.complete({
      ref: { type: "ref/resource", uri: "vicidial://systems/{system}/campaigns/{campaign_id}/alt-urls/{url_type}" },
      argument: { name: "system", value: "pro" },
    });
    expect(r.completion.values).toEqual(["production"]);
  });

  it("completes campaign ids from the system already chosen", async () => {
    const uri = "vicidial://systems/{system}/campaigns/{campaign_id}/alt-urls/{url_type}";
    const onProduction = await h.client.complete({
      ref: { type: "ref/resource", uri },
      argument: { name: "campaign_id", value: "4" },
      context: { arguments: { system: "production" } },
    });
    expect(onProduction.completion.values).toEqual(["4001"]);
    const onStaging = await h.client.complete({
      ref: { type: "ref/resource", uri },
      argument: { name: "campaign_id", value: "4" },
      context: { arguments: { system: "staging" } },
    });
    expect(onStaging.completion.values).toEqual([]);
  });

  it("reads a scoped resource from its system, and the contract's URI from the default", async () => {
    production.resetStats();
    const scoped = await h.client.readResource({ uri: "vicidial://systems/production/campaigns/2001/alt-urls/dispo" });
    const body = JSON.parse(String((scoped.contents[0] as { text: string }).text));
    expect(body).toMatchObject({ system: "production", campaign_id: "2001", sandbox: false });
    expect(production.stats().requests).toBeGreaterThan(0);
    const plain = await h.client.readResource({ uri: "vicidial://campaigns/2001/alt-urls/dispo" });
    expect(JSON.parse(String((plain.contents[0] as { text: string }).text)).system).toBe("staging");
    await expect(h.client.readResource({ uri: "vicidial://systems/nowhere/campaigns/2001/alt-urls/dispo" })).rejects.toThrow(
      /INVALID_INPUT: system: "nowhere" is not a configured VICIdial system\. Fix: Use one of: staging, production/,
    );
  });
});

describe("prompts", () => {
  it("take an optional system, completed with the system names", async () => {
    const prompts = (await h.client.listPrompts()).prompts;
    const audit = prompts.find((p) => p.name === "audit_campaign_alt_urls")!;
    expect(audit.arguments?.map((a) => [a.name, a.required ?? false])).toEqual([
      ["system", false],
      ["campaign_id", true],
    ]);
    const r = await h.client.complete({
      ref: { type: "ref/prompt", name: "audit_campaign_alt_urls" },
      argument: { name: "system", value: "s" },
    });
    expect(r.completion.values).toEqual(["staging"]);
    const ids = await h.client.complete({
      ref: { type: "ref/prompt", name: "route_disposition_to_url" },
      argument: { name: "campaign_id", value: "4" },
      context: { arguments: { system: "production" } },
    });
    expect(ids.completion.values).toEqual(["4001"]);
  });

  it("a prompt for a read-only system walks the read-only steps and names the system in every call", async () => {
    const r = await h.client.getPrompt({
      name: "route_disposition_to_url",
      arguments: { system: "production", campaign_id: "2001", status: "SALE", url: "https://crm.example.com/x" },
    });
    const text = (r.messages[0]!.content as { text: string }).text;
    expect(text).toContain("read-only");
    expect(text).toContain('pass system: "production" in every tool call');
  });
});
