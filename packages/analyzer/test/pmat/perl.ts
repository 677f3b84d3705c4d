// Runs Perl programs under Devel::MAT::Dumper to get real .pmat dumps, and asks the Perl tools
// (pmat) about them: the oracle heapmat's .pmat reader is checked against.

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const here = import.meta.dirname;

function hasDevelMat(): boolean {
  const perl = spawnSync("perl", ["-MDevel::MAT", "-MDevel::MAT::Dumper", "-e1"], {
    stdio: "ignore",
  });
  const pmat = spawnSync("sh", ["-c", "command -v pmat"], { stdio: "ignore" });
  return perl.status === 0 && pmat.status === 0;
}

/** Installs Debian's libdevel-mat-perl (Devel::MAT, its Dumper and pmat) when missing. */
export function ensureDevelMat(): void {
  if (hasDevelMat()) return;
  const install = () =>
    spawnSync("apt-get", ["install", "-y", "-q", "libdevel-mat-perl"], {
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    }).status === 0;
  if (!install()) {
    execFileSync("apt-get", ["update", "-q"], { stdio: ["ignore", "ignore", "inherit"] });
    if (!install()) throw new Error("could not install libdevel-mat-perl with apt-get");
  }
  if (!hasDevelMat())
    throw new Error("libdevel-mat-perl installed, but pmat or Devel::MAT is missing");
}

/** Runs test/pmat/<program>.pl under Devel::MAT::Dumper; returns the dump written at END. */
export function dumpPerl(
  program: string,
  args: string[] = [],
  dir = mkdtempSync(join(tmpdir(), "heapmat-pmat-")),
): string {
  const file = join(dir, `${program}.pmat`);
  execFileSync(
    "perl",
    [`-MDevel::MAT::Dumper=-dump_at_END,-file,${file}`, join(here, `${program}.pl`), ...args],
    {
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  return file;
}

/**
 * Pipes commands into `pmat FILE` and returns each command's output. pmat reads commands
 * through Term::ReadLine: the stub readline needs PERL_RL and a `&STDIN` file in the cwd.
 */
export function pmat(file: string, commands: string[]): string[] {
  const cwd = mkdtempSync(join(tmpdir(), "heapmat-pmat-cmd-"));
  symlinkSync("/dev/stdin", join(cwd, "&STDIN"));
  // Commands come from a file: Node's stdin for a child is a socket, which /dev/stdin cannot
  // reopen. pmat prompts on stderr and answers on stdout: read both, in order.
  writeFileSync(join(cwd, "commands"), `${commands.join("\n")}\nquit\n`);
  const out = execFileSync("sh", ["-c", 'exec pmat "$0" <commands 2>&1', file], {
    cwd,
    env: { ...process.env, PERL_RL: "Stub o=0", NO_COLOR: "1" },
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  // Each answer follows a prompt; the text before the first prompt is pmat's banner.
  return out.split(/^pmat(?: \[more\])?> /m).slice(1, commands.length + 1);
}

/** Every SV's outrefs as Devel::MAT computes them: "address<TAB>strength<TAB>name<TAB>target" lines. */
export function develMatOutrefs(file: string): string[] {
  const out = execFileSync("perl", [join(here, "outrefs.pl"), file], {
    encoding: "latin1",
    maxBuffer: 1 << 30,
  });
  return out.split("\n").filter((line) => line !== "");
}

/** Runs test/pmat/series.pl: four dumps, one per round of a leaky loop. */
export function dumpSeries(): string[] {
  const dir = mkdtempSync(join(tmpdir(), "heapmat-pmat-series-"));
  execFileSync("perl", [join(here, "series.pl"), dir], { stdio: ["ignore", "ignore", "pipe"] });
  return [1, 2, 3, 4].map((round) => join(dir, `series-${round}.pmat`));
}

/** pmat-leakreport's lines ("LEAK[2] HASH(3) at 0x..."), with `-1` when `onlyFirst`. */
export function pmatLeakreport(files: string[], onlyFirst = false): string[] {
  const args = onlyFirst ? ["-1", ...files] : files;
  const out = execFileSync("pmat-leakreport", args, { encoding: "latin1", maxBuffer: 1 << 28 });
  return out.split("\n").filter((line) => line !== "");
}

/** Runs test/pmat/<program>.pl, which dumps by itself to the file named as its argument. */
export function dumpInside(program: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "heapmat-pmat-")), `${program}.pmat`);
  execFileSync("perl", [join(here, `${program}.pl`), file], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  return file;
}
