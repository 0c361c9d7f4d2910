/**
 * The recorded transcripts (copies in test/fixtures/) and their shapes.
 * Each starts from an `initial_state`, the format `--state` files use.
 */
import { readFileSync } from "node:fs";
import type { RecordedStep } from "./transcript.js";

export interface StateAfterItem {
  url_id?: number;
  campaign_id?: string;
  next_url_id?: number;
  field?: string;
  real?: unknown;
}

export interface Sequence {
  n: number;
  desc: string;
  steps: RecordedStep[];
  state_after?: StateAfterItem[];
}

export interface RequestTranscript {
  initial_state: unknown;
  requests: (RecordedStep & { n: number | null; desc: string })[];
}

export interface SequenceTranscript {
  initial_state: unknown;
  sequences: Sequence[];
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8")) as T;
}

export const FIXTURE_DIR = new URL("../fixtures/", import.meta.url);
export const vicidialTranscript = () => load<RequestTranscript>("vicidial-transcript.json");
export const adminPageTranscript = () => load<RequestTranscript>("admin-page-transcript.json");
export const differentialTranscript = () => load<SequenceTranscript>("differential-transcript.json");
export const urlLogTranscript = () => load<RequestTranscript>("url-log-transcript.json");
