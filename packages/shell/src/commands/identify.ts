import {
  identify as identifyObject,
  type RetainerStep,
  renderIdentification,
} from "@heapmat/analyzer";
import { resolveObject } from "../naming/resolve.js";
import { intOption } from "./args.js";
import type { Command } from "./command.js";

/** `identify ID`: what holds an object, back to the roots, in the code's own words. */
export const identify: Command = {
  name: "identify",
  summary: "Show what holds an object, back to the roots",
  usage: "ID [--depth N] [--width N] [--weak] [--all] [--full]",
  details: [
    "Each step says how the object is held, in the code's words: a value in a",
    "Map, an element of an Array, a module variable, a closure, a listener …",
    "Nearest the roots first. Afterwards $1 is the object and $2, $3 … are the",
    "holders in the order shown.",
  ].join("\n"),
  options: {
    depth: { type: "string", short: "d", arg: "N", help: "steps towards the roots (default 12)" },
    width: { type: "string", short: "w", arg: "N", help: "holders shown per object (default 4)" },
    weak: { type: "boolean", help: "follow weak references too" },
    all: { type: "boolean", short: "a", help: "every holder, not only those on shortest paths" },
    full: { type: "boolean", short: "f", help: "show V8's and Node's internal hops" },
  },
  data: true,
  positionals: { min: 1, max: 1, name: "ID" },
  completes: "ids",
  run({ session }, { values, positionals: [name] }) {
    const node = resolveObject(session, name!);
    const found = identifyObject(session.indexes, node, {
      depth: intOption(values, "depth", 12, 1),
      width: intOption(values, "width", 4, 1),
      weak: values.weak === true,
      all: values.all === true,
      full: values.full === true,
    });
    const holders: number[] = [];
    const walk = (steps: RetainerStep[]) => {
      for (const step of steps) {
        holders.push(step.holderIndex);
        walk(step.retainers);
      }
    };
    walk(found.retainers);
    return {
      lines: renderIdentification(found).split("\n"),
      json: found,
      listed: [node, ...holders],
    };
  },
};
