import type { Identification, RetainerStep } from "./identify.js";

/**
 * Renders an identification as a text tree, in the style of pmat's `identify`:
 *
 *     SessionRecord @86653 (488 B, retains 1.2 KiB) is:
 *     └─ a value in Map @49645 (key 'k1'), which is:
 *        └─ the variable 'sessions' of module file:///srv/app/session-cache.mjs
 */
export function renderIdentification(identification: Identification): string {
  const lines = [`${identification.description} is:`];
  if (identification.retainers.length === 0)
    lines.push(identification.unreachable ? "└─ not reachable from the roots" : "└─ a root");
  renderSteps(identification.retainers, identification.more, "", lines);
  return lines.join("\n");
}

function renderSteps(
  steps: RetainerStep[],
  more: number | undefined,
  indent: string,
  lines: string[],
) {
  steps.forEach((step, i) => {
    const last = i === steps.length - 1 && !more;
    const branch = last ? "└─ " : "├─ ";
    const below = indent + (last ? "   " : "│  ");
    const mark = step.mark ? ` (${step.mark})` : "";
    if (step.itself) {
      lines.push(`${indent}${branch}${step.text}, which is:`, `${below}itself`);
    } else if (step.alreadyFound) {
      lines.push(
        `${indent}${branch}${step.text}, which is:`,
        `${below}already found as ${step.alreadyFound}`,
      );
    } else if (step.end || (step.retainers.length === 0 && !step.cut)) {
      lines.push(`${indent}${branch}${step.text}${mark}`);
    } else {
      lines.push(`${indent}${branch}${step.text}, which is${mark}:`);
      if (step.cut) lines.push(`${below}└─ … (${step.cut} limit)`);
      else renderSteps(step.retainers, step.more, below, lines);
    }
  });
  if (more) lines.push(`${indent}└─ … ${more} more`);
}
