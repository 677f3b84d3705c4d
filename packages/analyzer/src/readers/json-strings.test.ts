import { describe, expect, it } from "vitest";
import { decodeJsonString, StringArrayScanner } from "./json-strings.js";

const fail = (at: number, expected: string): never => {
  throw new Error(`at ${at}: expected ${expected}`);
};

/** Random UTF-16 text: ASCII, controls, BMP, astral pairs and lone surrogates. */
function randomText(random: () => number, length: number): string {
  let text = "";
  for (let k = 0; k < length; k++) {
    const pick = random();
    if (pick < 0.5) text += String.fromCharCode(32 + Math.floor(random() * 95));
    else if (pick < 0.6) text += String.fromCharCode(Math.floor(random() * 32));
    else if (pick < 0.8) text += String.fromCharCode(0x80 + Math.floor(random() * 0xd700));
    else if (pick < 0.9) text += String.fromCodePoint(0x10000 + Math.floor(random() * 0xfffff));
    else text += String.fromCharCode(0xd800 + Math.floor(random() * 0x800));
  }
  return text;
}

describe("decodeJsonString", () => {
  it("agrees with JSON.parse on random strings, raw UTF-8 or all escaped", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let n = 0; n < 300; n++) {
      const text = randomText(random, Math.floor(random() * 40));
      const json = JSON.stringify(text);
      const escaped = json.replace(
        /[\u007f-\uffff]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
      );
      for (const form of [json, escaped]) {
        const raw = new TextEncoder().encode(form.slice(1, -1));
        expect(decodeJsonString(raw, fail)).toBe(text);
      }
    }
  });

  it("turns invalid raw UTF-8 into U+FFFD as TextDecoder does", () => {
    const raw = Uint8Array.from([0x41, 0xff, 0x42, 0xe2, 0x82, 0x43, 0xf0, 0x9f, 0x98, 0x80]);
    expect(decodeJsonString(raw, fail)).toBe(new TextDecoder().decode(raw));
  });

  it("builds a long string of escapes (longer than its scratch buffer)", () => {
    const text = "\u00e9\ud83d\ude00".repeat(20_000);
    const raw = new TextEncoder().encode(JSON.stringify(text).slice(1, -1));
    expect(decodeJsonString(raw, fail)).toBe(text);
  });

  it("names the offset of a bad escape", () => {
    expect(() => decodeJsonString(new TextEncoder().encode("ab\\x"), fail)).toThrow("at 3");
    expect(() => decodeJsonString(new TextEncoder().encode("\\u12g4"), fail)).toThrow("at 4");
  });
});

describe("StringArrayScanner", () => {
  it("reads an array split at every possible point", () => {
    const strings = ["plain", "", 'esc"aped\n', "caf\u00e9", "\ud83d\ude00", "x".repeat(100)];
    const bytes = new TextEncoder().encode(
      ` [ ${strings.map((s) => JSON.stringify(s)).join(" ,\n")} ] `,
    );
    for (let cut = 0; cut <= bytes.length; cut++) {
      const scanner = new StringArrayScanner("strings", fail);
      scanner.feed(bytes.subarray(0, cut), 0, cut);
      if (!scanner.done) scanner.feed(bytes.subarray(cut), 0, bytes.length - cut);
      expect(scanner.done).toBe(true);
      expect(scanner.strings).toEqual(strings);
    }
  });
});
