/**
 * The coordination tests need a real redis-server (issue 13). On a machine
 * without one they must not pass quietly: outside CI a loud banner names
 * every test that did not run, and under CI the run fails. Shown here with
 * the helper loaded afresh as on such a machine (REDIS_SERVER=none), so it
 * costs no process and needs no Redis either way.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ROOT } from "./helpers/harness.js";

const NAMES = ["two instances share a lock", "a wrong password costs one login"];

/** test/helpers/redis.ts as a machine without redis-server loads it. */
async function helperWithoutRedis(ci: string) {
  vi.stubEnv("REDIS_SERVER", "none");
  vi.stubEnv("CI", ci);
  vi.resetModules();
  return import("./helpers/redis.js");
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  vi.resetModules();
});

describe("the Redis test harness without redis-server", () => {
  it("outside CI: the tests are skipped and a banner on stderr names each of them and how to install the server", async () => {
    const stderr: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    const redis = await helperWithoutRedis("");
    expect(redis.REDIS_SERVER).toBeNull();
    expect(redis.redisAvailable("test/some-fleet.test.ts", NAMES)).toBe(false);
    const banner = stderr.join("");
    expect(banner).toMatch(/!{78}/);
    expect(banner).toContain("test/some-fleet.test.ts: redis-server is NOT on PATH, so these tests did NOT run (skipped):");
    for (const name of NAMES) expect(banner).toContain(`  - ${name}\n`);
    expect(banner).toContain("apt-get install redis-server");
    await expect(redis.startRedis()).rejects.toThrow(/redis-server is not on PATH/);
  });

  it("under CI: the file fails, naming the tests that must run, and prints no skip banner", async () => {
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const redis = await helperWithoutRedis("1");
    expect(() => redis.redisAvailable("test/some-fleet.test.ts", NAMES)).toThrow(
      /test\/some-fleet\.test\.ts: redis-server is not on PATH, and under CI these tests must run:\n {2}- two instances share a lock\n {2}- a wrong password costs one login\n/,
    );
    expect(write).not.toHaveBeenCalled();
  });

  it("every test of the coordination files is one the banner names (none can be skipped unnamed)", () => {
    for (const file of ["test/fleet.test.ts", "test/fleet-processes.test.ts"]) {
      const source = readFileSync(path.join(ROOT, file), "utf8");
      expect(source).toContain(`redisAvailable("${file}", TESTS)`);
      const its = [...source.matchAll(/\bit(?:\.\w+)?\(([^,]*),/g)].map((m) => m[1]);
      const listed = source.slice(source.indexOf("const TESTS = ["), source.indexOf("];", source.indexOf("const TESTS = [")));
      const count = listed.split("\n").filter((l) => /^\s+"/.test(l)).length;
      expect(its.length, file).toBe(count);
      for (const [i, arg] of its.entries()) expect(arg, file).toBe(`TESTS[${i}]!`);
    }
  });
});
