// How the hunt talks: a heading per step, the commands as a user would type them, then their output.
// Colour only on a terminal, never under NO_COLOR.
import { styleText } from "node:util";

const colour = process.stdout.isTTY && !process.env.NO_COLOR && process.env.TERM !== "dumb";
const paint = (style, text) => (colour ? styleText(style, text) : text);

let stepNumber = 0;

/** A step's heading and a few lines on what the user is about to see. */
export function step(title, ...explanation) {
  stepNumber++;
  console.log(`\n${paint("bold", `== Step ${stepNumber}: ${title}`)}`);
  for (const line of explanation) console.log(paint("dim", line));
}

/** Shows a command as typed at a shell prompt. */
export function echo(command) {
  console.log(`\n${paint("cyan", `$ ${command}`)}`);
}

export function note(text) {
  console.log(paint("dim", text));
}

export function fail(text) {
  console.error(paint("red", `hunt: ${text}`));
}
