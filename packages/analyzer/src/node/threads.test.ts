import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Each thread is found by a URL relative to the built module that starts it. Should the bundler
// move that code into a shared chunk elsewhere, the thread's file is not found, and the work
// silently stays on one thread: this checks the build (turbo builds before the tests).
describe("the built threads", () => {
  const dist = fileURLToPath(new URL("../../dist/", import.meta.url));
  const modules = readdirSync(dist, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".js"))
    .map((file) => join(dist, file));

  it("are each found beside the module that starts them", () => {
    const references = modules.flatMap((module) =>
      [...readFileSync(module, "utf8").matchAll(/new URL\("(\.\/[\w-]+-thread\.js)"/g)].map(
        (match) => ({ module, thread: join(dirname(module), match[1]!) }),
      ),
    );
    const threads = ["dominator", "edges", "hmat", "sidecar"].map((name) => `${name}-thread.js`);
    for (const thread of threads)
      expect(references.some((reference) => reference.thread.endsWith(`/node/${thread}`))).toBe(
        true,
      );
    for (const { module, thread } of references)
      expect(existsSync(thread), `${thread}, started from ${module}`).toBe(true);
  });
});
