// Preloaded (`node --import`) into a command the harness does not own, such as a CLI: on exit,
// writes the process's peak RSS to the file named by HEAPMAT_BENCH_PEAK_FILE.
import { writeFileSync } from "node:fs";

const file = process.env.HEAPMAT_BENCH_PEAK_FILE;
if (file) {
  process.on("exit", () => {
    writeFileSync(file, JSON.stringify({ peakRss: process.resourceUsage().maxRSS * 1024 }));
  });
}
