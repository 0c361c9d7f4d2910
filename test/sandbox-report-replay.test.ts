/**
 * Replays the 22 requests recorded against a real VICIdial 2.14's URL Log
 * Report, in order, on one sandbox started from the recording's
 * initial_state, and compares them as its how_to_use says: status, content
 * type, headers exactly, header patterns as regular expressions, and the
 * body byte for byte.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, seedFromTranscript, startSandbox } from "../src/sandbox/index.js";

interface Recorded {
  n: number;
  desc: string;
  method: "GET" | "POST";
  path: string;
  raw_query: string;
  basic_auth: [string, string] | null;
  status: number;
  content_type: string;
  headers?: Record<string, string>;
  header_patterns?: Record<string, string>;
  body: string;
}

const transcript = JSON.parse(readFileSync(new URL("./fixtures/url-log-transcript.json", import.meta.url), "utf8")) as {
  initial_state: unknown;
  requests: Recorded[];
};

describe("sandbox replays the recorded URL Log Report transcript", () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: seedFromTranscript(transcript.initial_state) });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("has all 22 recorded requests, and the initial state carries the log and allowed reports", () => {
    expect(transcript.requests).toHaveLength(22);
    const seed = seedFromTranscript(transcript.initial_state);
    expect(seed.vicidial_url_log).toHaveLength(8);
    expect(seed.user_groups.find((g) => g.user_group === "LIMITED")?.allowed_reports).toBe("Real-Time Main Report");
  });

  const cases = transcript.requests.map((r, i) => ({ ...r, label: `#${i + 1} ${r.desc}` }));

  it.each(cases)("$label", async (r) => {
    const headers: Record<string, string> = {};
    if (r.basic_auth) headers.Authorization = "Basic " + Buffer.from(`${r.basic_auth[0]}:${r.basic_auth[1]}`).toString("base64");
    const res = await fetch(`${sandbox.url}${r.path}?${r.raw_query}`, { method: r.method, headers });
    const body = Buffer.from(await res.arrayBuffer()).toString("utf8");

    expect(res.status).toBe(r.status);
    expect(res.headers.get("content-type")).toBe(r.content_type);
    for (const [name, value] of Object.entries(r.headers ?? {})) expect(res.headers.get(name), name).toBe(value);
    for (const [name, pattern] of Object.entries(r.header_patterns ?? {})) {
      expect(res.headers.get(name) ?? "", name).toMatch(new RegExp(pattern));
    }
    expect(body).toBe(r.body);
  });

  it("logged a report visit for each request that passed the rights checks", () => {
    // 22 requests; 18 (View Reports off), 19 (report not allowed), 20 and 21 (bad logins) were refused.
    const visits = sandbox.reportLog();
    expect(visits).toHaveLength(18);
    expect(visits.every((v) => v.report_name === "URL Log Report")).toBe(true);
    expect(new Set(visits.map((v) => v.user))).toEqual(new Set(["6666", "apilow", "noapi"]));
  });
});
