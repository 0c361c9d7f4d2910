/**
 * Replays the 113 short sequences where random requests once showed the
 * sandbox answering differently from a real VICIdial 2.14: each from a fresh
 * sandbox in the transcript's initial_state, every step compared, and the
 * database state after the last step checked where it was recorded.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { seedFromTranscript, startSandbox } from "../src/sandbox/index.js";
import { differentialTranscript, type StateAfterItem } from "./sandbox/fixtures.js";
import { differences, send } from "./sandbox/transcript.js";

const transcript = differentialTranscript();
const seed = seedFromTranscript(transcript.initial_state);

/**
 * Ten POST steps were recorded without the query string their URL carried
 * (their answers name fields the recorded body lacks); the fixture holds the
 * query strings those answers imply, and why.
 */
const lostQueries = (
  JSON.parse(readFileSync(new URL("./fixtures/differential-post-queries.json", import.meta.url), "utf8")) as {
    steps: Record<string, { url_query: string }>;
  }
).steps;

interface Dump {
  campaigns: Record<string, unknown>[];
  vicidial_url_multi: Record<string, unknown>[];
  next_url_id: number;
}

/** What the sandbox holds for one recorded state_after item, in the recording's terms. */
function observed(dump: Dump, item: StateAfterItem): unknown {
  if (item.next_url_id !== undefined) return { next_url_id: dump.next_url_id };
  if (item.url_id !== undefined) {
    const row = dump.vicidial_url_multi.find((r) => r.url_id === item.url_id);
    if (item.field === undefined) return row ? "a row" : "no such row";
    return row?.[item.field];
  }
  const campaign = dump.campaigns.find((c) => c.campaign_id === item.campaign_id);
  return campaign?.[item.field ?? ""];
}

function recorded(item: StateAfterItem): unknown {
  return item.next_url_id !== undefined ? { next_url_id: item.next_url_id } : item.real;
}

describe("sandbox replays the differential sequences", () => {
  it("has all 113 sequences, and a lost query string only for POST steps that lack one", () => {
    expect(transcript.sequences).toHaveLength(113);
    const posts = Object.keys(lostQueries).map((key) => {
      const [n, step] = key.split(".").map(Number) as [number, number];
      return transcript.sequences.find((s) => s.n === n)?.steps[step - 1]?.method;
    });
    expect(posts).toEqual(Object.keys(lostQueries).map(() => "POST"));
  });

  it.each(transcript.sequences.map((s) => ({ ...s, label: `#${s.n} ${s.desc}` })))("$label", async (sequence) => {
    const sandbox = await startSandbox({ seed });
    try {
      for (const [i, step] of sequence.steps.entries()) {
        const url_query = lostQueries[`${sequence.n}.${i + 1}`]?.url_query;
        const answer = await send(sandbox.url, url_query ? { ...step, url_query } : step);
        expect(differences(answer, step), `step ${i + 1} of ${sequence.steps.length}`).toEqual([]);
      }
      const dump = JSON.parse(sandbox.dump()) as Dump;
      for (const item of sequence.state_after ?? [])
        expect(observed(dump, item), JSON.stringify(item).slice(0, 120)).toEqual(recorded(item));
    } finally {
      await sandbox.close();
    }
  });
});
