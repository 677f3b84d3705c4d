// Columns that index building hands to a second thread live on shared memory where the platform
// has it (Node; browsers only when cross-origin isolated), so the thread reads them without a copy.

type ArrayType<T> = {
  new (length: number): T;
  new (buffer: SharedArrayBuffer): T;
  readonly BYTES_PER_ELEMENT: number;
};

/** A zero-filled typed array on a SharedArrayBuffer, or on an ordinary one where there is none. */
export function sharedArray<T>(type: ArrayType<T>, length: number): T {
  if (typeof SharedArrayBuffer !== "function") return new type(length);
  return new type(new SharedArrayBuffer(length * type.BYTES_PER_ELEMENT));
}

/** Whether another thread can read the array as it is. */
export function isShared(array: { readonly buffer: ArrayBufferLike }): boolean {
  return typeof SharedArrayBuffer === "function" && array.buffer instanceof SharedArrayBuffer;
}
