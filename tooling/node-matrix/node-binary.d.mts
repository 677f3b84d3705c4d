/** Path of a `node` binary of this major (a string like "22"), downloading it once if needed. */
export function nodeBinary(major: string | number): string;
