import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALT_URLS_TEMPLATE, URL_VARIABLES_URI } from "../src/server/resources.js";
import { type InProcess, inProcess } from "./helpers/harness.js";

function textOf(r: { contents: { text?: unknown; blob?: unknown }[] }): string {
  return String(r.contents[0]?.text ?? "");
}

describe("resources", () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await inProcess();
  });
  afterAll(() => h.close());

  it("declares resources, prompts and completions", () => {
    const caps = h.client.getServerCapabilities();
    expect(caps?.resources).toBeDefined();
    expect(caps?.prompts).toBeDefined();
    expect(caps?.completions).toBeDefined();
  });

  it("lists the reference and every visible campaign's dispo Alt URLs, and the template", async () => {
    const { resources } = await h.client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toContain(URL_VARIABLES_URI);
    for (const c of ["2001", "2002", "3001"]) expect(uris).toContain(`vicidial://campaigns/${c}/alt-urls/dispo`);
    expect(resources.every((r) => r.mimeType === "application/json")).toBe(true);
    const { resourceTemplates } = await h.client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      ALT_URLS_TEMPLATE,
      "vicidial://ingroups/{campaign_id}/alt-urls/{url_type}",
      "vicidial://lists/{campaign_id}/alt-urls/{url_type}",
    ]);
  });

  it("reads a campaign's Alt URLs as the list_alt_urls result in JSON", async () => {
    const r = await h.client.readResource({ uri: "vicidial://campaigns/2001/alt-urls/dispo" });
    expect(r.contents[0]?.mimeType).toBe("application/json");
    const body = JSON.parse(textOf(r)) as {
      sandbox: boolean;
      campaign_id: string;
      url_type: string;
      alt_urls: { id: number; url: string }[];
    };
    expect(body).toMatchObject({ sandbox: true, campaign_id: "2001", url_type: "dispo" });
    expect(body.alt_urls.map((u) => u.id)).toEqual([1, 2, 3, 4]);
    expect(body.alt_urls[0]!.url).toContain("crm.example.com");

    const start = JSON.parse(textOf(await h.client.readResource({ uri: "vicidial://campaigns/2001/alt-urls/start" }))) as {
      alt_urls: unknown[];
    };
    expect(start.alt_urls).toEqual([]);
  });

  it("fails a read with the error code, message and fix", async () => {
    await expect(h.client.readResource({ uri: "vicidial://campaigns/9999/alt-urls/dispo" })).rejects.toThrow(
      /CAMPAIGN_NOT_FOUND: .*Fix: Call list_campaigns/,
    );
    await expect(h.client.readResource({ uri: "vicidial://campaigns/2001/alt-urls/addlead" })).rejects.toThrow(
      /INVALID_INPUT: "addlead" is not an Alt URL type/,
    );

    const limited = await inProcess({ useSandbox: h.sandbox, env: { VICIDIAL_ALLOWED_CAMPAIGNS: "3001" } });
    try {
      await expect(limited.client.readResource({ uri: "vicidial://campaigns/2001/alt-urls/dispo" })).rejects.toThrow(
        /CAMPAIGN_NOT_ALLOWED/,
      );
      const uris = (await limited.client.listResources()).resources.map((r) => r.uri);
      expect(uris.filter((u) => u.startsWith("vicidial://campaigns/"))).toEqual(["vicidial://campaigns/3001/alt-urls/dispo"]);
    } finally {
      await limited.close();
    }
  });

  it("serves the template variable reference with the notes on encoding and password variables", async () => {
    const r = await h.client.readResource({ uri: URL_VARIABLES_URI });
    expect(r.contents[0]?.mimeType).toBe("application/json");
    const body = JSON.parse(textOf(r)) as {
      syntax: string;
      credential_variables: string[];
      note_markdown: string;
      variables: { name: string; group: string; description: string }[];
    };
    expect(body.syntax).toBe("--A--name--B--");
    expect(body.credential_variables).toEqual(["pass", "phone_pass"]);
    expect(body.note_markdown).toContain("urlencode");
    expect(body.note_markdown).toContain("allow_credential_variables");
    expect(body.variables).toContainEqual(expect.objectContaining({ name: "lead_id", group: "lead" }));
    expect(body.variables).toContainEqual(expect.objectContaining({ name: "dispo", group: "disposition" }));
  });

  it("completes campaign ids by prefix and URL types", async () => {
    const ref = { type: "ref/resource" as const, uri: ALT_URLS_TEMPLATE };
    const ids = await h.client.complete({ ref, argument: { name: "campaign_id", value: "20" } });
    expect(ids.completion.values).toEqual(["2001", "2002"]);
    const types = await h.client.complete({ ref, argument: { name: "url_type", value: "n" } });
    expect(types.completion.values).toEqual(["noagent"]);
  });
});

describe("prompts", () => {
  let h: InProcess;
  beforeAll(async () => {
    h = await inProcess();
  });
  afterAll(() => h.close());

  it("offers route_disposition_to_url, audit_campaign_alt_urls and why_didnt_it_fire with their arguments", async () => {
    const { prompts } = await h.client.listPrompts();
    const byName = Object.fromEntries(prompts.map((p) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual(["audit_campaign_alt_urls", "route_disposition_to_url", "why_didnt_it_fire"]);
    expect(byName.why_didnt_it_fire!.arguments?.map((a) => a.name)).toEqual(["status", "campaign_id", "entry_type", "date"]);
    expect(byName.route_disposition_to_url!.arguments?.map((a) => a.name)).toEqual(["campaign_id", "status", "url"]);
    expect(byName.audit_campaign_alt_urls!.arguments?.map((a) => a.name)).toEqual(["campaign_id"]);
  });

  it("route_disposition_to_url walks through list, dry run, write and preview", async () => {
    const r = await h.client.getPrompt({
      name: "route_disposition_to_url",
      arguments: { campaign_id: "2001", status: "SALE", url: "https://crm.example.com/hook?lead=--A--lead_id--B--" },
    });
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0]!.role).toBe("user");
    const text = (r.messages[0]!.content as { text: string }).text;
    expect(text).toContain("https://crm.example.com/hook?lead=--A--lead_id--B--");
    const order = ["list_alt_urls", "dry_run: true", "dry_run: false", "preview_dispo_urls"].map((s) => text.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('statuses ["SALE"]');
  });

  it("audit_campaign_alt_urls asks for the connection check, all three types, previews and a risk report", async () => {
    const r = await h.client.getPrompt({ name: "audit_campaign_alt_urls", arguments: { campaign_id: "3001" } });
    const text = (r.messages[0]!.content as { text: string }).text;
    for (const s of [
      "check_connection",
      "list_alt_urls",
      "dispo, start and noagent",
      "preview_dispo_urls",
      "ALT mode",
      "inactive",
      "empty statuses",
      "http://",
      "--A--pass--B--",
    ]) {
      expect(text).toContain(s);
    }
    expect(text).toContain("3001");
  });

  it("why_didnt_it_fire walks through deliveries, the preview and test_alt_url, outcome by outcome", async () => {
    const r = await h.client.getPrompt({
      name: "why_didnt_it_fire",
      arguments: { status: "SALE", campaign_id: "SALESLINE", entry_type: "ingroup", date: "2026-11-26" },
    });
    const text = (r.messages[0]!.content as { text: string }).text;
    const order = ["list_url_deliveries", "preview_dispo_urls", "test_alt_url", "check_connection"].map((x) => text.indexOf(x));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const x of [
      "campaign_id SALESLINE, entry_type ingroup",
      "date 2026-11-26",
      "status SALE",
      "answered",
      "failed",
      "not_fetched",
      "CAMP",
      "CBHOLD",
    ]) {
      expect(text).toContain(x);
    }
    const ro = await inProcess({ useSandbox: h.sandbox, env: { VICIDIAL_READ_ONLY: "true" } });
    try {
      const plain = await ro.client.getPrompt({ name: "why_didnt_it_fire", arguments: { status: "NI", campaign_id: "2001" } });
      const t = (plain.messages[0]!.content as { text: string }).text;
      expect(t).toContain("read-only, so test_alt_url is not available");
      expect(t).toContain("today");
      expect(t).not.toContain("entry_type ingroup");
    } finally {
      await ro.close();
    }
  });

  it("completes the campaign id of a prompt", async () => {
    const r = await h.client.complete({
      ref: { type: "ref/prompt", name: "audit_campaign_alt_urls" },
      argument: { name: "campaign_id", value: "3" },
    });
    expect(r.completion.values).toEqual(["3001"]);
  });

  it("offers no suggestions, rather than an error, for a prompt or template it does not have", async () => {
    const prompt = await h.client.complete({
      ref: { type: "ref/prompt", name: "test_prompt_with_arguments" },
      argument: { name: "arg1", value: "par" },
    });
    expect(prompt.completion.values).toEqual([]);
    const template = await h.client.complete({
      ref: { type: "ref/resource", uri: "vicidial://nothing/{x}" },
      argument: { name: "x", value: "a" },
    });
    expect(template.completion.values).toEqual([]);
  });

  it("in read-only mode, tells the assistant it cannot write", async () => {
    const ro = await inProcess({ useSandbox: h.sandbox, env: { VICIDIAL_READ_ONLY: "true" } });
    try {
      const r = await ro.client.getPrompt({
        name: "route_disposition_to_url",
        arguments: { campaign_id: "2001", status: "SALE", url: "https://crm.example.com/x" },
      });
      const text = (r.messages[0]!.content as { text: string }).text;
      expect(text).toContain("read-only");
      expect(text).not.toContain("dry_run: false");
    } finally {
      await ro.close();
    }
  });
});
