/**
 * Replays the 97 requests recorded from a real VICIdial 2.14 against the
 * sandbox, in order, on one sandbox, and compares the answers as the
 * transcript's how_to_use says.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, seedFromTranscript, startSandbox } from "../src/sandbox/index.js";
import { vicidialTranscript } from "./sandbox/fixtures.js";
import { differences, send } from "./sandbox/transcript.js";

const transcript = vicidialTranscript();

describe("sandbox replays the recorded VICIdial transcript", () => {
  let sandbox: Sandbox;

  beforeAll(async () => {
    sandbox = await startSandbox({ seed: seedFromTranscript(transcript.initial_state) });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("has all 97 recorded requests", () => {
    expect(transcript.requests).toHaveLength(97);
  });

  const cases = transcript.requests.map((r, i) => ({ ...r, label: `#${i + 1} (n=${r.n ?? "-"}) ${r.desc}` }));

  it.each(cases)("$label", async (r) => {
    if (r.desc.startsWith("apilow wrong password, failure 1 of")) {
      // Known discrepancy, still there under the lock rule as VICIdial's code
      // has it: apilow logged in at request 66 and failed at the admin page at
      // request 72, so requests 86 to 94 bring the count to 10 and request 95
      // would already be locked, yet the recording says "Login incorrect"
      // there and locks only at 96. The recorder started this block from a
      // clean count; so does the replay.
      sandbox.resetFailedLogins("apilow");
    }
    expect(differences(await send(sandbox.url, r), r)).toEqual([]);
  });
});
