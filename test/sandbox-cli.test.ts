/**
 * `node dist/sandbox/cli.js --state FILE --port 0` from outside: started as a
 * child process from each transcript's initial_state, it prints its web root
 * and answers the recorded requests over HTTP as a real VICIdial did. A bad
 * state file stops it with one line naming the field, and exit status 2.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli, tempDir, writeState } from "./sandbox/cli-process.js";
import { adminPageTranscript, differentialTranscript, urlLogTranscript, vicidialTranscript } from "./sandbox/fixtures.js";
import { differences, type RecordedStep, send } from "./sandbox/transcript.js";

let temp: ReturnType<typeof tempDir>;
beforeAll(() => {
  temp = tempDir();
});
afterAll(() => temp.remove());

/** One child process: its state and the recorded steps replayed on it, in order. */
interface Segment {
  state: unknown;
  steps: RecordedStep[];
}

const sqlNow = () => new Date().toISOString().slice(0, 19).replace("T", " ");

/**
 * How each transcript is replayed from outside. A transcript recorded in one
 * run is one segment; the url-log transcript's 22 report requests are
 * followed by a few API and admin page requests on the same state.
 */
function plans(): Record<string, Segment[]> {
  const vicidial = vicidialTranscript();
  const apilowBlock = vicidial.requests.findIndex((r) => r.desc.startsWith("apilow wrong password, failure 1 of"));
  // The recorder started the apilow block (86 to 97) from a clean count after
  // a good login (see sandbox-replay.test.ts): a second process, whose state
  // says just that, replays it.
  const state = vicidial.initial_state as { users: { user: string; last_login_date?: string }[] };
  const afterGoodLogin = { ...state, users: state.users.map((u) => (u.user === "apilow" ? { ...u, last_login_date: sqlNow() } : u)) };

  const differential = differentialTranscript();
  const urlLog = urlLogTranscript();
  const admin = (raw_query: string, basic_auth: [string, string] | null = ["6666", "1234"]) => ({
    method: "GET" as const,
    path: "/vicidial/admin_url_multi.php",
    raw_query,
    basic_auth,
  });
  const api = (raw_query: string) => ({ method: "GET" as const, path: "/vicidial/non_agent_api.php", raw_query, basic_auth: null });
  return {
    "vicidial-transcript.json": [
      { state: vicidial.initial_state, steps: vicidial.requests.slice(0, apilowBlock) },
      { state: afterGoodLogin, steps: vicidial.requests.slice(apilowBlock) },
    ],
    "admin-page-transcript.json": [{ state: adminPageTranscript().initial_state, steps: adminPageTranscript().requests }],
    // Each sequence needs a fresh state (in-process, sandbox-differential.test.ts); here the first one.
    "differential-transcript.json": [{ state: differential.initial_state, steps: differential.sequences[0]!.steps }],
    "url-log-transcript.json": [
      {
        state: urlLog.initial_state,
        steps: [
          ...urlLog.requests,
          {
            ...api("source=test&user=6666&pass=1234&function=campaigns_list"),
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: "ALTTEST|Alt URL test campaign|Y|---ALL---|MANUAL|0||NEW|60|9||\nNOALT|Campaign without ALT|Y|---ALL---|MANUAL|0||NEW|60|9||\n",
          },
          {
            ...admin("campaign_id=1001&entry_type=list&url_type=noagent"),
            status: 200,
            content_type: "text/html; charset=UTF-8",
            body_contains: [
              "<title>ADMINISTRATION: URL Multi Entry 1001 - Alt URL test list</title>",
              "Alternate No Agent Call URLs for list:",
            ],
          },
          {
            ...admin("campaign_id=CAMPIN&entry_type=ingroup&url_type=dispo", ["rptlimit", "rptlimit1"]),
            status: 200,
            content_type: "text/html; charset=UTF-8",
            body_contains: ["This URL is not set ALTingroup|dispo|Dispo Call"],
          },
        ],
      },
    ],
  };
}

describe("the sandbox CLI with --state, replayed from outside", () => {
  it("replays every request of the request transcripts", () => {
    const p = plans();
    const count = (name: string) => p[name]!.reduce((n, segment) => n + segment.steps.length, 0);
    // The url-log transcript's 22 report requests, then 3 API and admin page checks.
    expect([count("vicidial-transcript.json"), count("admin-page-transcript.json"), count("url-log-transcript.json")]).toEqual([
      97,
      74,
      22 + 3,
    ]);
  });

  for (const [name, segments] of Object.entries(plans())) {
    it(`answers ${name} as recorded`, async () => {
      for (const [i, segment] of segments.entries()) {
        const cli = await startCli(writeState(temp.dir, `${i}-${name}`, segment.state));
        try {
          expect(cli.stdout).toMatch(/^ {2}web root: {3}http:\/\/127\.0\.0\.1:\d+$/m);
          for (const step of segment.steps) {
            expect(differences(await send(cli.url, step), step), step.desc ?? step.raw_query.slice(0, 80)).toEqual([]);
          }
        } finally {
          await cli.close();
        }
      }
    });
  }
});

describe("a bad state file", () => {
  const refused = async (state: unknown) => {
    const file = writeState(temp.dir, "bad.json", state);
    const r = await runCli(["--state", file, "--port", "0"]);
    return { code: r.code, stdout: r.stdout, lines: r.stderr.split("\n").filter(Boolean), file };
  };

  it("stops with exit status 2 and one stderr line naming the field", async () => {
    const state = structuredClone(adminPageTranscript().initial_state) as { users: Record<string, unknown>[] };
    state.users[2]!.user_level = "nine";
    const r = await refused(state);
    expect(r).toMatchObject({ code: 2, stdout: "", lines: [`--state ${r.file}: users[2].user_level: expected a whole number`] });
  });

  it.each([
    [
      "an unknown field",
      { users: [], campaigns: [{ campaign_id: "X1", campaign_name: "n", active: "Y", dispo_url: "ALT" }] },
      "campaigns[0].dispo_url: unknown field",
    ],
    ["a missing field", { vicidial_url_multi: [{ campaign_id: "X1" }] }, "vicidial_url_multi[0].url_id: missing"],
    ["a value outside its set", { lists: [{ list_id: 5, active: "yes" }] }, "lists[0].active: expected Y or N"],
    [
      "a duplicate id",
      { inbound_groups: [{ group_id: "IN1" }, { group_id: "in1" }] },
      "inbound_groups[1].group_id: the same as inbound_groups[0].group_id",
    ],
    [
      "a bad date",
      { vicidial_url_log: [{ url_log_id: 1, uniqueid: "u", url_date: "yesterday", url_type: "dispo" }] },
      "vicidial_url_log[0].url_date: expected YYYY-MM-DD HH:MM:SS",
    ],
    [
      "a mode the sandbox does not imitate",
      { system_settings: { use_non_latin: 1 } },
      "system_settings.use_non_latin: only 0 is imitated by the sandbox",
    ],
  ])("names %s", async (_what, state, message) => {
    const r = await refused(state);
    expect([r.code, r.lines]).toEqual([2, [`--state ${r.file}: ${message}`]]);
  });

  it("refuses a file that is not JSON, or not there", async () => {
    const notJson = await refused("{ users: [");
    expect(notJson.code).toBe(2);
    expect(notJson.lines).toHaveLength(1);
    expect(notJson.lines[0]).toMatch(new RegExp(`^--state ${notJson.file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not JSON \\(`));
    const missing = await runCli(["--state", `${temp.dir}/nope.json`]);
    expect([missing.code, missing.stderr]).toEqual([2, `--state ${temp.dir}/nope.json: cannot read the file (ENOENT)\n`]);
  });
});
