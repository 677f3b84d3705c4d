import { describe, expect, it } from "vitest";
import { ByteBuffer } from "./columns.js";
import {
  decodeColumn,
  decodeColumnInto,
  decodeColumnValues,
  type EdgeContext,
  indexKinds,
  type RawColumn,
  SlotPredictor,
} from "./format-columns.js";
import { Encoding } from "./format-constants.js";

const zigzag = (d: number) => (d >= 0 ? d * 2 : -d * 2 - 1);

// Edges of six nodes (row-major: type, name_or_index, to_node as a node index), with repeated
// shapes so that slot prediction has hits and misses, element runs, and a backward target.
const kinds = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];
const owner = [0, 0, 0, 1, 1, 1, 2, 2, 3, 3, 3, 3, 5];
const rows = [
  [2, 7, 3],
  [1, 0, 4],
  [1, 1, 5],
  [2, 7, 4],
  [1, 0, 5],
  [1, 1, 0],
  [2, 7, 5],
  [3, 9, 1],
  [2, 7, 2],
  [3, 9, 2],
  [4, 2, 1],
  [4, 3, 123456789],
  [6, 7, 0],
];
const flat = rows.flat();

function encode(f: number, encoding: number, edges: EdgeContext | null): RawColumn {
  const out = new ByteBuffer();
  const slots = edges ? new SlotPredictor(edges, flat, 3, 0) : null;
  let previous = 0;
  for (let r = 0; r < rows.length; r++) {
    const v = flat[r * 3 + f]!;
    if (encoding === Encoding.Bytes) out.byte(v);
    else if (encoding === Encoding.Varint) out.varint(v);
    else if (encoding === Encoding.Delta) out.varint(zigzag(v - previous));
    else out.varint(zigzag(v - slots!.predict(r, previous)));
    slots?.remember(r, v);
    previous = v;
  }
  return [String(f), encoding, out.bytes.slice(0, out.length)];
}

describe("decodeColumnValues", () => {
  const indexKind = indexKinds(kinds);
  const context: EdgeContext = { owner, type: 0, name: 1, indexKind };

  it("gives decodeColumn's values, one per row, for every encoding", () => {
    const cases: Array<[number, number]> = [
      [0, Encoding.Bytes],
      [1, Encoding.Varint],
      [1, Encoding.Delta],
      [2, Encoding.Delta],
      [2, Encoding.SlotDelta],
    ];
    for (const [f, encoding] of cases) {
      const column = encode(f, encoding, encoding === Encoding.SlotDelta ? context : null);
      const table = new Float64Array(flat.length);
      // The row-major decoder reads type and name from the table: fill those first.
      for (let r = 0; r < rows.length; r++) {
        table[r * 3] = flat[r * 3]!;
        table[r * 3 + 1] = flat[r * 3 + 1]!;
      }
      decodeColumn(column, rows.length, table, 0, 3, f, context, 1);
      const values = new Float64Array(rows.length);
      const edgeRows = {
        owner,
        type: rows.map((row) => row[0]!),
        name: rows.map((row) => row[1]!),
        indexKind,
      };
      decodeColumnValues(column, rows.length, values, edgeRows);
      expect([...values]).toEqual(rows.map((row) => row[f]));
      expect([...values]).toEqual(rows.map((_, r) => table[r * 3 + f]));
    }
  });

  it("decodes straight into any typed array at an offset, as `set` would store the values", () => {
    const edgeRows = {
      owner: Uint32Array.from(owner),
      type: Uint8Array.from(rows, (row) => row[0]!),
      name: Uint32Array.from(rows, (row) => row[1]!),
      indexKind,
    };
    for (const [f, encoding] of [
      [0, Encoding.Bytes],
      [1, Encoding.Delta],
      [2, Encoding.Varint],
      [2, Encoding.SlotDelta],
    ] as const) {
      const column = encode(f, encoding, encoding === Encoding.SlotDelta ? context : null);
      for (const make of [
        (n: number) => new Uint8Array(n),
        (n: number) => new Uint32Array(n),
        (n: number) => new Float64Array(n),
      ]) {
        const out = make(rows.length + 5);
        decodeColumnInto(column, rows.length, out, 5, edgeRows);
        const expected = make(rows.length + 5);
        expected.set(
          rows.map((row) => row[f]!),
          5,
        );
        expect([...out], `${f} ${encoding} ${out.constructor.name}`).toEqual([...expected]);
      }
    }
    expect(() =>
      decodeColumnInto(encode(1, Encoding.Varint, null), rows.length, new Uint32Array(20), 8, null),
    ).toThrow(/do not fit/);
  });

  it("predicts like the reference over thousands of keys (hash collisions)", () => {
    // Pseudo-random edges: types, names and targets from a fixed LCG, owners in runs.
    let seed = 12345;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed % n;
    };
    const count = 5000;
    const edgeOwner = Array.from({ length: count }, (_, r) => Math.floor(r / 3));
    const table = new Float64Array(count * 3);
    for (let r = 0; r < count; r++) {
      table[r * 3] = random(kinds.length);
      table[r * 3 + 1] = random(r % 2 ? 4000 : 2 ** 32);
      table[r * 3 + 2] = random(20000);
    }
    const edgesContext: EdgeContext = { owner: edgeOwner, type: 0, name: 1, indexKind };
    const slots = new SlotPredictor(edgesContext, table, 3, 0);
    const data = new ByteBuffer();
    let previous = 0;
    for (let r = 0; r < count; r++) {
      const v = table[r * 3 + 2]!;
      data.varint(zigzag(v - slots.predict(r, previous)));
      slots.remember(r, v);
      previous = v;
    }
    const column: RawColumn = ["to_node", Encoding.SlotDelta, data.bytes.slice(0, data.length)];
    const out = new Uint32Array(count);
    decodeColumnInto(column, count, out, 0, {
      owner: Uint32Array.from(edgeOwner),
      type: Uint8Array.from({ length: count }, (_, r) => table[r * 3]!),
      name: Uint32Array.from({ length: count }, (_, r) => table[r * 3 + 1]!),
      indexKind,
    });
    expect([...out]).toEqual(Array.from({ length: count }, (_, r) => table[r * 3 + 2]));
  });

  it("refuses slot deltas outside edges, a short column and too many rows", () => {
    const slots = encode(2, Encoding.SlotDelta, context);
    expect(() => decodeColumnValues(slots, rows.length, new Float64Array(20), null)).toThrow(
      /slot deltas/,
    );
    const varints = encode(2, Encoding.Varint, null);
    const short: RawColumn = [varints[0], varints[1], varints[2].subarray(0, 4)];
    expect(() => decodeColumnValues(short, rows.length, new Float64Array(20), null)).toThrow(
      /ends early/,
    );
    expect(() => decodeColumnValues(varints, rows.length, new Float64Array(2), null)).toThrow(
      /do not fit/,
    );
  });
});
