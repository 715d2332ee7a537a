/** A fact the demo claims turned out false; the message says which. */
export class DemoCheckError extends Error {
  override readonly name = "DemoCheckError";
}

/** Throws a DemoCheckError with `message` unless `condition` holds. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new DemoCheckError(message);
}
