// Per-connection callback data, kept in a global two-level table: context key -> slot of named
// values. Modelled on the XS code of Devel::MAT's case study (cb_data_advanced_put/drop).

/** One context's named callback values. */
export class CallbackSlot {
  constructor() {
    this.values = new Map();
  }
}

/** Level one of the table: one slot per open context, keyed by the context's handle. */
const callbackTable = new Map();

function slotKey(ctx) {
  return `ptr_${ctx.handle}`;
}

/** Stores `value` under `name` for the context, replacing what was there. */
export function put(ctx, name, value) {
  const key = slotKey(ctx);
  let slot = callbackTable.get(key);
  if (!slot) {
    slot = new CallbackSlot();
    callbackTable.set(key, slot);
  }
  slot.values.set(name, value);
}

export function get(ctx, name) {
  return callbackTable.get(slotKey(ctx))?.values.get(name);
}

/** Forgets everything stored for the context, when its connection closes. */
export function drop(ctx) {
  callbackTable.delete(`ptr_${ctx.id}`);
}
