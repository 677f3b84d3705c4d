// HEAPMAT_DUMPER: a comma-separated list of options, modelled on Devel::MAT::Dumper's.
import { constants } from "node:os";

export type Trigger =
  | { kind: "signal"; signal: NodeJS.Signals }
  | { kind: "exit" }
  | { kind: "uncaught" }
  | { kind: "near_oom" }
  | { kind: "interval"; ms: number };

export interface DumperOptions {
  triggers: Trigger[];
  file?: string;
  maxString?: number;
  redact?: boolean;
  trackAllocations?: boolean;
  stats?: string;
  statsInterval?: number;
  every?: number;
  label?: string;
  force?: boolean;
}

const UNCATCHABLE = new Set(["SIGKILL", "SIGSTOP"]);

function positive(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n > 0 ? n : undefined;
}

/** Parses the option list; each bad item gives one warning and is otherwise ignored. */
export function parseOptions(text: string): { options: DumperOptions; warnings: string[] } {
  const options: DumperOptions = { triggers: [] };
  const warnings: string[] = [];
  for (const raw of text.split(",")) {
    const item = raw.trim();
    if (!item) continue;
    const eq = item.indexOf("=");
    const key = eq < 0 ? item : item.slice(0, eq);
    const value = eq < 0 ? undefined : item.slice(eq + 1);
    const bad = (why: string) => warnings.push(`ignoring '${item}': ${why}`);
    switch (key) {
      case "dump_at": {
        const trigger = parseTrigger(value);
        if (typeof trigger === "string") bad(trigger);
        else options.triggers.push(trigger);
        break;
      }
      case "file":
        if (value) options.file = value;
        else bad("expected file=<pattern>");
        break;
      case "max_string": {
        const n = positive(value);
        if (n === undefined) bad("expected max_string=<positive integer>");
        else options.maxString = n;
        break;
      }
      case "every": {
        const n = positive(value);
        if (n === undefined) bad("expected every=<positive integer>");
        else options.every = n;
        break;
      }
      case "stats_interval": {
        const n = positive(value);
        if (n === undefined) bad("expected stats_interval=<milliseconds>");
        else options.statsInterval = n;
        break;
      }
      case "stats":
        if (value) options.stats = value;
        else bad("expected stats=<path>");
        break;
      case "label":
        if (value) options.label = value;
        else bad("expected label=<text>");
        break;
      case "redact":
      case "track_allocations":
      case "force":
        if (value !== undefined) bad(`'${key}' takes no value`);
        else if (key === "redact") options.redact = true;
        else if (key === "force") options.force = true;
        else options.trackAllocations = true;
        break;
      default:
        bad("unknown option");
    }
  }
  return { options, warnings };
}

function parseTrigger(value: string | undefined): Trigger | string {
  if (!value) return "expected dump_at=<SIGNAL|exit|uncaught|near_oom|interval:<ms>>";
  if (value === "exit" || value === "uncaught" || value === "near_oom") return { kind: value };
  if (value.startsWith("interval:")) {
    const ms = positive(value.slice("interval:".length));
    return ms === undefined ? "expected interval:<milliseconds>" : { kind: "interval", ms };
  }
  const signal = (value.startsWith("SIG") ? value : `SIG${value}`).toUpperCase();
  if (!(signal in constants.signals)) return `unknown signal or trigger '${value}'`;
  if (UNCATCHABLE.has(signal)) return `${signal} cannot be caught`;
  return { kind: "signal", signal: signal as NodeJS.Signals };
}
