/**
 * Sets `object[key]` as a non-enumerable property: `util.inspect`, `JSON.stringify`, object spread
 * and most loggers skip it, so credentials held this way do not leak when the holder is printed.
 */
export function hideProperty<T extends object>(object: T, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: false, writable: true, configurable: true });
}
