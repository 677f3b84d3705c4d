// Incremental parser for V8's .heapsnapshot JSON, fed string chunks as the inspector (or a file)
// delivers them. Number tables and the string table stream out one value at a time; other
// members (the `snapshot` header, `trace_tree`) are parsed whole. No state spans more than one
// value, so memory stays bounded by the largest single string or header.

/** Receives the snapshot's top-level members as they are parsed. */
export interface V8JsonHandler {
  /** A top-level member starts: how should its value be delivered? */
  member(key: string): "numbers" | "strings" | "value";
  number(value: number): void;
  string(value: string): void;
  value(key: string, value: unknown): void;
  /** A "numbers" or "strings" member ended. */
  endMember(key: string): void;
}

/** Malformed input: `offset` is the byte offset (UTF-8) in the whole stream. */
export class V8JsonError extends Error {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {
    super(`at byte ${offset}: expected ${expected}`);
  }
}

/** Thrown by a handler when a member's content is not what a V8 snapshot has there. */
export class InvalidSnapshot extends Error {
  constructor(readonly expected: string) {
    super(`expected ${expected}`);
  }
}

enum State {
  Start,
  BeforeKey,
  Key,
  Colon,
  ValueStart,
  Numbers,
  BeforeString,
  String,
  Generic,
  Done,
}

const QUOTE = 34;
const BACKSLASH = 92;

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

export class V8JsonParser {
  private state = State.Start;
  private key = "";
  private mode: "numbers" | "strings" | "value" = "value";
  // Number being scanned (numbers may span chunks).
  private num = 0;
  private inNum = false;
  private negative = false;
  // String being scanned.
  private pieces: string[] = [];
  private escaped = false;
  private pendingEscape = false;
  // Generic value being captured.
  private depth = 0;
  private inString = false;
  // Byte offset of the current chunk's start, for errors.
  private bytesBefore = 0;
  private chunk = "";

  constructor(private readonly handler: V8JsonHandler) {}

  get done(): boolean {
    return this.state === State.Done;
  }

  write(chunk: string): void {
    this.chunk = chunk;
    const n = chunk.length;
    let i = 0;
    const h = this.handler;
    while (i < n) {
      switch (this.state) {
        case State.Start: {
          const c = chunk.charCodeAt(i);
          if (isSpace(c) || c === 0xfeff) i++;
          else if (c === 123) {
            this.state = State.BeforeKey;
            i++;
          } else this.fail(i, "'{' opening a V8 heap snapshot");
          break;
        }
        case State.BeforeKey: {
          const c = chunk.charCodeAt(i);
          if (isSpace(c) || c === 44) i++;
          else if (c === QUOTE) {
            this.startString();
            this.state = State.Key;
            i++;
          } else if (c === 125) {
            this.state = State.Done;
            i++;
          } else this.fail(i, "a member name or '}'");
          break;
        }
        case State.Key:
        case State.String: {
          const end = this.scanString(chunk, i);
          if (end < 0) {
            i = n;
            break;
          }
          i = end + 1;
          const s = this.finishString(i - 1);
          if (this.state === State.Key) {
            this.key = s;
            this.state = State.Colon;
          } else {
            h.string(s);
            this.state = State.BeforeString;
          }
          break;
        }
        case State.Colon: {
          const c = chunk.charCodeAt(i);
          if (isSpace(c)) i++;
          else if (c === 58) {
            this.state = State.ValueStart;
            i++;
          } else this.fail(i, "':'");
          break;
        }
        case State.ValueStart: {
          const c = chunk.charCodeAt(i);
          if (isSpace(c)) {
            i++;
            break;
          }
          this.mode = h.member(this.key);
          if (this.mode !== "value" && c !== 91) this.fail(i, `'[' opening "${this.key}"`);
          if (this.mode === "numbers") {
            this.state = State.Numbers;
            this.inNum = false;
            this.negative = false;
            this.num = 0;
            i++;
          } else if (this.mode === "strings") {
            this.state = State.BeforeString;
            i++;
          } else {
            this.state = State.Generic;
            this.depth = 0;
            this.inString = false;
            this.escaped = false;
            this.pieces = [];
          }
          break;
        }
        case State.Numbers:
          i = this.scanNumbers(chunk, i);
          break;
        case State.BeforeString: {
          const c = chunk.charCodeAt(i);
          if (isSpace(c) || c === 44) i++;
          else if (c === QUOTE) {
            this.startString();
            this.state = State.String;
            i++;
          } else if (c === 93) {
            h.endMember(this.key);
            this.state = State.BeforeKey;
            i++;
          } else this.fail(i, `a string or ']' in "${this.key}"`);
          break;
        }
        case State.Generic:
          i = this.scanGeneric(chunk, i);
          break;
        case State.Done: {
          if (!isSpace(chunk.charCodeAt(i))) this.fail(i, "the end of the snapshot");
          i++;
          break;
        }
      }
    }
    this.bytesBefore += byteLength(chunk);
    this.chunk = "";
  }

  /** Call after the last chunk: throws if the snapshot was incomplete. */
  end(): void {
    if (this.state !== State.Done)
      throw new V8JsonError(this.bytesBefore, "more of the snapshot (the input is truncated)");
  }

  private fail(at: number, expected: string): never {
    throw new V8JsonError(this.bytesBefore + byteLength(this.chunk.slice(0, at)), expected);
  }

  private scanNumbers(chunk: string, i: number): number {
    const n = chunk.length;
    let num = this.num;
    let inNum = this.inNum;
    const h = this.handler;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (c >= 48 && c <= 57) {
        num = num * 10 + (c - 48);
        inNum = true;
      } else if (c === 44 || isSpace(c)) {
        if (inNum) {
          h.number(this.negative ? -num : num);
          num = 0;
          inNum = false;
          this.negative = false;
        }
      } else if (c === 93) {
        if (inNum) h.number(this.negative ? -num : num);
        this.num = 0;
        this.inNum = false;
        this.negative = false;
        h.endMember(this.key);
        this.state = State.BeforeKey;
        return i + 1;
      } else if (c === 45 && !inNum) this.negative = true;
      else {
        this.num = num;
        this.inNum = inNum;
        this.fail(i, `an integer in "${this.key}"`);
      }
    }
    this.num = num;
    this.inNum = inNum;
    return i;
  }

  private startString(): void {
    this.pieces = [];
    this.escaped = false;
    this.pendingEscape = false;
  }

  /** Index of the closing quote in `chunk` from `i`, or -1 (the rest is kept as a piece). */
  private scanString(chunk: string, i: number): number {
    let from = i;
    if (this.pendingEscape) {
      // The previous chunk ended on a backslash: this character is escaped.
      this.pendingEscape = false;
      from++;
    }
    for (;;) {
      const q = chunk.indexOf('"', from);
      const b = chunk.indexOf("\\", from);
      if (b >= 0 && (q < 0 || b < q)) {
        this.escaped = true;
        if (b + 1 >= chunk.length) {
          this.pendingEscape = true;
          this.pieces.push(chunk.slice(i));
          return -1;
        }
        from = b + 2;
        continue;
      }
      if (q < 0) {
        this.pieces.push(chunk.slice(i));
        return -1;
      }
      this.pieces.push(chunk.slice(i, q));
      return q;
    }
  }

  private finishString(at: number): string {
    const raw = this.pieces.length === 1 ? this.pieces[0]! : this.pieces.join("");
    this.pieces = [];
    if (!this.escaped) return raw;
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      this.fail(at, "a valid JSON string");
    }
  }

  /** Captures one JSON value of any shape, then parses it whole. */
  private scanGeneric(chunk: string, i: number): number {
    const n = chunk.length;
    const start = i;
    let depth = this.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    for (; i < n; i++) {
      const c = chunk.charCodeAt(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) inString = false;
        continue;
      }
      if (c === QUOTE) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        depth--;
        if (depth === 0) {
          this.pieces.push(chunk.slice(start, i + 1));
          this.finishGeneric(i + 1);
          return i + 1;
        }
        if (depth < 0) {
          // A scalar member ended by the object's closing brace.
          this.pieces.push(chunk.slice(start, i));
          this.finishGeneric(i);
          return i;
        }
      } else if (c === 44 && depth === 0) {
        this.pieces.push(chunk.slice(start, i));
        this.finishGeneric(i);
        return i;
      }
    }
    this.pieces.push(chunk.slice(start));
    this.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    return n;
  }

  private finishGeneric(at: number): void {
    const text = this.pieces.join("");
    this.pieces = [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      this.fail(at, `a JSON value for "${this.key}"`);
    }
    try {
      this.handler.value(this.key, value);
    } catch (error) {
      if (error instanceof InvalidSnapshot) this.fail(at, error.expected);
      throw error;
    }
    this.state = State.BeforeKey;
  }
}

function byteLength(s: string): number {
  return Buffer.byteLength(s, "utf8");
}
