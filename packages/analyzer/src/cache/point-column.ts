import type { Column, SourcePages } from "./aligned-columns.js";

// A column of a source loaded on demand, for queries that read a few of its values (identify,
// show, outrefs): each value read loads only the page it is on, so a first answer on a re-opened
// heap of 20M nodes loads megabytes instead of whole columns (2 GB, a second of fresh memory).
//
// It stands in for the typed array. Reading an index goes through a Proxy, and `length` is known.
// Anything else (a method, iteration) is answered by the whole column, read then; so is every
// read once there were enough of them for the whole column to be the cheaper way.

/** Reads through pages, after which the whole column is read and used. */
const WHOLE_AFTER = 1 << 20;

/**
 * `view` lies on `pages.all` at byte `offset`; `whole` reads the whole column (the same bytes,
 * every page loaded). A column already loaded is returned as it is.
 */
export function pointColumn<C extends Column>(
  view: C,
  offset: number,
  pages: SourcePages,
  whole: () => C,
): C {
  const { loaded, shift } = pages;
  const { length, BYTES_PER_ELEMENT: width } = view;
  const first = Math.floor(offset / 2 ** shift);
  const last = Math.floor((offset + length * width - 1) / 2 ** shift);
  let missing = false;
  for (let page = first; page <= last && !missing; page++) missing = !loaded[page];
  if (!missing) return view;

  let all: C | null = null;
  let reads = 0;
  const wholeColumn = () => {
    all ??= whole();
    return all;
  };
  return new Proxy(view, {
    get(target, key) {
      if (typeof key === "string") {
        const i = +key;
        if (Number.isInteger(i) && i >= 0 && i < length) {
          if (all) return all[i];
          if (++reads > WHOLE_AFTER) return wholeColumn()[i];
          // Sources stay under 4 GiB (the sidecar refuses more), so an unsigned shift is exact.
          const page = (offset + i * width) >>> shift;
          if (!loaded[page]) pages.load(page, page + 1);
          return target[i];
        }
        if (key === "length") return length;
      }
      const column = wholeColumn();
      const value: unknown = Reflect.get(column, key);
      return typeof value === "function" ? value.bind(column) : value;
    },
  });
}
