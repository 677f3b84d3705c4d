// A dump while the host is under load: an HTTP server on loopback answers a bounded stream of
// requests before and during a signal-triggered dump. Every request must complete; the added
// latency is measured and printed (docs/reliability.md quotes it), never asserted.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  decodeFile,
  exited,
  INDEX_ESM,
  REGISTER_ESM,
  removeTempDirs,
  startNode,
  tempDir,
  until,
  writeApp,
} from "../helpers.js";
import { hammer, hostProgram, latency, portOf } from "./support.js";

const OBJECTS = Number(process.env.HEAPMAT_LOAD_OBJECTS ?? 100_000);
const REQUESTS = 3000;

describe("a dump under load", () => {
  afterAll(removeTempDirs);

  it(`every request completes while a ${OBJECTS}-object heap is dumped`, async () => {
    const dir = tempDir();
    const app = writeApp(
      dir,
      "busy.mjs",
      hostProgram({
        orders: OBJECTS,
        prelude: `import { configure } from ${JSON.stringify(INDEX_ESM)};
configure({ onDump: (r) => console.log("dumped " + JSON.stringify(r)) });`,
      }),
    );
    const child = startNode(["--import", REGISTER_ESM, app], {
      cwd: dir,
      env: { HEAPMAT_DUMPER: `dump_at=SIGUSR2,file=${join(dir, "busy.hmat")}` },
    });
    try {
      await until(() => /port \d+/.test(child.output()), 30_000, "the host to listen");
      const port = portOf(child);
      await hammer(port, 500); // warm-up: JIT, connections
      const quiet = await hammer(port, REQUESTS);

      const signalled = performance.now();
      let written = Number.POSITIVE_INFINITY;
      const watcher = setInterval(() => {
        if (readdirSync(dir).includes("busy.hmat")) {
          written = Math.min(written, performance.now());
          clearInterval(watcher);
        }
      }, 10);
      child.kill("SIGUSR2");
      const busy = await hammer(port, REQUESTS);
      await until(() => child.output().includes("dumped "), 60_000, "the dump");
      clearInterval(watcher);

      expect(quiet.failed).toEqual([]);
      expect(busy.failed).toEqual([]);
      expect(quiet.ok + busy.ok).toBe(2 * REQUESTS);
      const result = JSON.parse(/dumped (.*)/.exec(child.output())![1]!);
      expect(decodeFile(join(dir, "busy.hmat")).trailer.nodes).toBe(result.nodes);
      const during = latency(
        busy,
        (i) => busy.starts[i]! >= signalled && busy.starts[i]! < written,
      );
      expect(during.requests).toBeGreaterThan(0);
      const figures = {
        objects: OBJECTS,
        nodes: result.nodes,
        blockedMs: Math.round(result.blockedMs),
        totalMs: Math.round(result.totalMs),
        withoutDump: latency(quiet),
        duringDump: during,
      };
      console.log(`load: ${JSON.stringify(figures)}`);
    } finally {
      child.kill("SIGTERM");
      await exited(child);
    }
  });
});
