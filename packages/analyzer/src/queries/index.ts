// Queries over an indexed heap: identify, show, find, count, largest, roots, globals, strings, diff.
export {};
