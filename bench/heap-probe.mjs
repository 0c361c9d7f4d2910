/**
 * Loaded into the server under test with `node --import`: on SIGUSR2 it
 * writes the heap to stderr. With `--expose-gc` it collects garbage fully
 * first, so the benchmark can tell a leak (live heap growing) from V8 simply
 * keeping the memory it grew into (resident size growing, live heap flat);
 * without, it reads the heap as the calls left it, with the size V8 reserved
 * for each space (the young generation, the old one) and the memory it has
 * committed to each, untouched.
 */
import { writeSync } from "node:fs";
import v8 from "node:v8";

process.on("SIGUSR2", () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  const stats = v8.getHeapSpaceStatistics();
  const spaces = Object.fromEntries(stats.map((s) => [s.space_name, s.space_size]));
  const physical = Object.fromEntries(stats.map((s) => [s.space_name, s.physical_space_size]));
  writeSync(2, `HEAP ${JSON.stringify({ heapUsed: m.heapUsed, heapTotal: m.heapTotal, rss: m.rss, spaces, physical })}\n`);
});
