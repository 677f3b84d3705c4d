import { describe, expect, it } from "vitest";
import { MsgPackReader, MsgPackWriter, pack, unpack } from "./msgpack.js";
import { parseOptions } from "./options.js";
import { type V8JsonHandler, V8JsonParser } from "./v8-parser.js";

describe("MessagePack", () => {
  it("round-trips every type the format uses, at each size boundary", () => {
    const values = [
      null,
      true,
      false,
      0,
      127,
      128,
      255,
      256,
      65535,
      65536,
      2 ** 32 - 1,
      2 ** 32,
      2 ** 53 - 1,
      -1,
      -32,
      -33,
      -(2 ** 31),
      1.5,
      -(2 ** 40),
      "",
      "a".repeat(31),
      "b".repeat(32),
      "c".repeat(300),
      "d".repeat(70000),
      "caf\u00e9 \u{1F600}",
      new Uint8Array([1, 2, 3]),
      new Uint8Array(70000),
      Array.from({ length: 16 }, (_, i) => i),
      Array.from({ length: 70000 }, (_, i) => i % 7),
      Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, i])),
    ];
    for (const value of values) expect(unpack(pack(value))).toEqual(value);
  });

  it("reports where data ends early", () => {
    const bytes = pack(["hello", 1]);
    expect(() => new MsgPackReader(bytes.subarray(0, 4)).value()).toThrow(/end of the data/);
    const w = new MsgPackWriter();
    w.arrayHeader(70000);
    expect(w.result()[0]).toBe(0xdd);
  });
});

describe("V8JsonParser", () => {
  const json = `{"snapshot":{"meta":{"x":[1,2]},"node_count":2},
"nodes":[1,22,333,
4444],"edges":[],"trace_tree":[1,2,[3,[]]],"strings":["a","b\\"c\\\\","caf\\u00e9","\u{1F600}",""]}`;

  function parse(chunks: string[]) {
    const seen: unknown[] = [];
    const handler: V8JsonHandler = {
      member: (key) =>
        key === "nodes" || key === "edges" ? "numbers" : key === "strings" ? "strings" : "value",
      number: (v) => seen.push(v),
      string: (s) => seen.push(`s:${s}`),
      value: (key, v) => seen.push({ [key]: v }),
      endMember: (key) => seen.push(`end:${key}`),
    };
    const parser = new V8JsonParser(handler);
    for (const chunk of chunks) parser.write(chunk);
    parser.end();
    return seen;
  }

  it("gives the same events however the input is split", () => {
    const whole = parse([json]);
    expect(whole).toContain('s:b"c\\');
    expect(whole).toContain("s:caf\u00e9");
    expect(whole).toContainEqual({ trace_tree: [1, 2, [3, []]] });
    expect(whole.filter((v) => typeof v === "number")).toEqual([1, 22, 333, 4444]);
    for (let at = 1; at < json.length; at++)
      expect(parse([json.slice(0, at), json.slice(at)])).toEqual(whole);
    expect(parse(json.split(""))).toEqual(whole);
  });

  it("names the byte offset of bad input, and recognises truncation", () => {
    expect(() => parse(['{"nodes":[1,2,', "x]}"])).toThrow(
      /at byte 14: expected an integer in "nodes"/,
    );
    expect(() => parse([json.slice(0, 50)])).toThrow(/truncated/);
  });
});

describe("HEAPMAT_DUMPER options", () => {
  it("parses every option", () => {
    const { options, warnings } = parseOptions(
      "dump_at=SIGUSR2,dump_at=USR1,dump_at=exit,dump_at=uncaught,dump_at=near_oom,dump_at=interval:500," +
        "file=/tmp/{script}-{n}.hmat,max_string=64,redact,track_allocations,stats=/tmp/s.ndjson,every=5,label=x",
    );
    expect(warnings).toEqual([]);
    expect(options.triggers).toEqual([
      { kind: "signal", signal: "SIGUSR2" },
      { kind: "signal", signal: "SIGUSR1" },
      { kind: "exit" },
      { kind: "uncaught" },
      { kind: "near_oom" },
      { kind: "interval", ms: 500 },
    ]);
    expect(options).toMatchObject({
      maxString: 64,
      redact: true,
      trackAllocations: true,
      every: 5,
      label: "x",
    });
  });

  it("warns once per bad item and keeps the good ones", () => {
    const { options, warnings } = parseOptions(
      "nope,dump_at=SIGKILL,dump_at=interval:x,every=0,redact=yes,dump_at=exit",
    );
    expect(warnings).toHaveLength(5);
    expect(options.triggers).toEqual([{ kind: "exit" }]);
  });
});
