import { once } from "node:events";
import type { Writable } from "node:stream";

/**
 * Prints a listing a page at a time and keeps the rest for `more`. Lines are pulled lazily, so a
 * million-element array costs only what is shown.
 */
export class Pager {
  #rest: Iterator<string> | undefined;

  constructor(
    private readonly out: Writable,
    /** Lines per page; Infinity prints everything (scripts, one-shot). */
    readonly pageSize: number,
  ) {}

  get pending(): boolean {
    return this.#rest !== undefined;
  }

  /** Starts a new listing, dropping what was left of the previous one. */
  async show(lines: Iterable<string>, pause: () => Promise<void>): Promise<void> {
    this.#rest = lines[Symbol.iterator]();
    await this.more(pause);
  }

  /** Prints the next page; returns false when there was nothing left. */
  async more(pause: () => Promise<void>): Promise<boolean> {
    const rest = this.#rest;
    if (!rest) return false;
    this.#rest = undefined;
    const batch = Math.min(this.pageSize, 1000);
    let printed = 0;
    while (printed < this.pageSize) {
      const chunk: string[] = [];
      let next = rest.next();
      while (!next.done) {
        chunk.push(next.value);
        if (chunk.length >= batch || printed + chunk.length >= this.pageSize) break;
        next = rest.next();
      }
      if (chunk.length > 0 && !this.out.write(`${chunk.join("\n")}\n`)) {
        await once(this.out, "drain");
      }
      printed += chunk.length;
      if (next.done) return true;
      await pause();
    }
    const peek = rest.next();
    if (!peek.done) this.#rest = prepend(peek.value, rest);
    return true;
  }
}

function prepend(first: string, rest: Iterator<string>): Iterator<string> {
  let taken = false;
  return {
    next: () => {
      if (taken) return rest.next();
      taken = true;
      return { value: first, done: false };
    },
  };
}
