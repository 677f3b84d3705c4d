import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

// Where the time went, from the V8 CPU profiles (`--cpu-prof`) of heapmat's measured processes:
// self time per function, summed over the profiles in a folder (one per process or thread).

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

export interface HotSpot {
  /** Node names profiles CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile; thread 0 is the main one. */
  thread: "main" | "worker";
  function: string;
  /** file:line, 1-based, as an editor shows it. */
  where: string;
  selfMs: number;
  share: number;
}

export function hotSpots(dir: string, top = 8): HotSpot[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  const isMain = (file: string) => file.split(".")[4] === "0";
  return [
    ...threadHotSpots(dir, files.filter(isMain), "main", top),
    ...threadHotSpots(
      dir,
      files.filter((f) => !isMain(f)),
      "worker",
      top,
    ),
  ];
}

function threadHotSpots(
  dir: string,
  files: string[],
  thread: HotSpot["thread"],
  top: number,
): HotSpot[] {
  const self = new Map<string, { function: string; where: string; us: number }>();
  let total = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
    profile.samples.forEach((id, i) => {
      const frame = byId.get(id);
      const us = profile.timeDeltas[i] ?? 0;
      if (!frame || frame.functionName === "(idle)" || frame.functionName === "(program)") return;
      const where = `${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
      const name = frame.functionName || "(anonymous)";
      const key = `${name} ${where}`;
      const entry = self.get(key) ?? { function: name, where, us: 0 };
      entry.us += us;
      self.set(key, entry);
      total += us;
    });
  }
  return [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({
      thread,
      function: e.function,
      where: e.where,
      selfMs: e.us / 1000,
      share: e.us / total,
    }));
}

/** A package-relative path: `analyzer/dist/index.js` rather than a file URL into the repo. */
function shortUrl(url: string): string {
  if (!url) return "(native)";
  const path = url.replace(/^file:\/\//, "");
  const inPackage = /\/(packages|tooling)\/([^/]+\/.*)$/.exec(path);
  if (inPackage) return inPackage[2]!;
  const inModules = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?(.*)$/.exec(path);
  return inModules ? inModules[1]! : path;
}
