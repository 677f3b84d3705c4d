import { parseArgs } from "node:util";
import { GROUPS, MEASUREMENTS, type MeasureId } from "./bench.js";
import { isScale, SCALES, type Scale } from "./scales.js";

export const USAGE = `usage: pnpm bench [--scale ${Object.keys(SCALES).join("|")}] [--only <list>] [--runs N]
                  [--json] [--out FILE] [--cache-dir DIR] [--profile DIR] [--debug]

  --scale      heap size in snapshot nodes (default 1m)
  --only       comma-separated measurements or groups (default: all)
               groups: ${Object.keys(GROUPS).join(", ")}
               measurements: ${Object.keys(MEASUREMENTS).join(", ")}
  --runs       runs per measurement, each a fresh process (default 3)
  --json       print the report as JSON on stdout instead of the table
  --out        where to write the JSON report (default results/latest-<scale>.json)
  --cache-dir  where snapshot files are cached (default <tmpdir>/heapmat-bench)
  --profile    CPU-profile heapmat's processes (node --cpu-prof) into DIR; the report lists
               their hot spots
`;

export interface CliOptions {
  scale: Scale;
  runs: number;
  only: Set<MeasureId>;
  json: boolean;
  out: string | undefined;
  cacheDir: string | undefined;
  profile: string | undefined;
  debug: boolean;
  help: boolean;
}

export class UsageError extends Error {}

export function parseCli(argv: string[]): CliOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        scale: { type: "string", default: "1m" },
        only: { type: "string" },
        runs: { type: "string", default: "3" },
        json: { type: "boolean", default: false },
        out: { type: "string" },
        "cache-dir": { type: "string" },
        profile: { type: "string" },
        debug: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const scale = String(values.scale);
  if (!isScale(scale)) throw new UsageError(`unknown scale '${scale}'`);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new UsageError(`--runs wants a whole number ≥ 1`);
  return {
    scale,
    runs,
    only: selection(values.only as string | undefined),
    json: values.json === true,
    out: values.out as string | undefined,
    cacheDir: values["cache-dir"] as string | undefined,
    profile: values.profile as string | undefined,
    debug: values.debug === true,
    help: values.help === true,
  };
}

function selection(only: string | undefined): Set<MeasureId> {
  if (only === undefined) return new Set(Object.keys(MEASUREMENTS) as MeasureId[]);
  const picked = new Set<MeasureId>();
  for (const name of only
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (GROUPS[name]) for (const id of GROUPS[name]) picked.add(id);
    else if (Object.hasOwn(MEASUREMENTS, name)) picked.add(name as MeasureId);
    else throw new UsageError(`--only: unknown measurement or group '${name}'`);
  }
  if (picked.size === 0) throw new UsageError("--only: nothing selected");
  return picked;
}
