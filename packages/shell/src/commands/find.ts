import {
  compileFilter,
  describe,
  type Filter,
  FilterSyntaxError,
  parseFilters,
} from "@heapmat/analyzer";
import { UsageError } from "../errors.js";
import { marker } from "../view/label.js";
import { intOption } from "./args.js";
import type { Command } from "./command.js";
import { forEachNode } from "./scan.js";

/** `find FILTER…`: objects matching every filter. */
export const find: Command = {
  name: "find",
  summary: "List the objects matching filters",
  usage: "FILTER... [-C] [--limit N]",
  details: [
    "FILTERS (all must hold; quote values with spaces):",
    "  constructor=Foo   constructor!=Object   kind=closure",
    "  string=text       string~/^temp-/i      (string content)",
    "  closure=onData    script~app.mjs        (closures by name, by file)",
    "  number=7          (heap numbers, when the dump records their values)",
    "  size>1000   size=64..128   retained>=1MiB   id=1000..2000",
    "A long find can be stopped with Ctrl-C.",
  ].join("\n"),
  options: {
    count: { type: "boolean", short: "C", help: "print only how many objects match" },
    limit: { type: "string", arg: "N", help: "stop after N matches" },
  },
  data: true,
  positionals: { min: 1, name: "filter" },
  completes: "constructors",
  async run(ctx, { values, positionals }) {
    const { session } = ctx;
    const expression = positionals.join(" ");
    let test: (node: number) => boolean;
    let filters: Filter[];
    try {
      filters = parseFilters(expression);
      test = compileFilter(session.indexes, filters);
    } catch (error) {
      if (error instanceof FilterSyntaxError || error instanceof SyntaxError) {
        throw new UsageError(`find: ${error.message}`);
      }
      throw error;
    }
    const limit = intOption(values, "limit", Number.POSITIVE_INFINITY, 1);
    const found: number[] = [];
    // A regex may take any time on one string: then look at the clock after every node.
    const stride = JSON.stringify(filters).includes('"by":"string"') ? 1 : 1024;
    await forEachNode(
      ctx,
      session.graph.nodeCount,
      (node) => {
        if (found.length < limit && test(node)) found.push(node);
      },
      stride,
    );
    const total = `Total: ${found.length.toLocaleString("en-US")} object${found.length === 1 ? "" : "s"}`;
    if (values.count) return { lines: [total], json: { count: found.length } };
    const indexes = session.indexes;
    function* lines() {
      for (let i = 0; i < found.length; i++) {
        yield `${marker(i + 1, found.length)}${describe(indexes, found[i]!)}`;
      }
      yield total;
    }
    return {
      lines: lines(),
      listed: found,
      json: ctx.json
        ? {
            count: found.length,
            objects: found.map((node) => ({
              id: session.graph.nodeId[node],
              description: describe(indexes, node),
            })),
          }
        : undefined,
    };
  },
};
