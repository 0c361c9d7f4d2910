/**
 * Replays the 74 requests recorded against a real admin_url_multi.php
 * (campaigns, in-groups and lists) on one sandbox, in order, from the
 * transcript's initial_state: status, content type, headers, and the body or
 * the page content byte for byte.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Sandbox, seedFromTranscript, startSandbox } from "../src/sandbox/index.js";
import { adminPageTranscript } from "./sandbox/fixtures.js";
import { differences, send } from "./sandbox/transcript.js";

const transcript = adminPageTranscript();

describe("sandbox replays the recorded admin-page transcript", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ seed: seedFromTranscript(transcript.initial_state) });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("has all 74 recorded requests", () => {
    expect(transcript.requests).toHaveLength(74);
  });

  const cases = transcript.requests.map((r, i) => ({ ...r, label: `#${i + 1} ${r.desc}` }));
  it.each(cases)("$label", async (r) => {
    expect(differences(await send(sandbox.url, r), r)).toEqual([]);
  });
});
