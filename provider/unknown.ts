/** The marker the engine puts in place of values not yet known during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether a property is not yet known (preview of a value computed by another resource). */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

/** Properties as the engine hands them to a provider: any may be missing, unknown or of the wrong type. */
export type Unvalidated<T> = { readonly [K in keyof T]?: unknown };
