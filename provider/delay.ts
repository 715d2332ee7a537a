/** Resolves after `ms` milliseconds: the default wait between attempts, replaceable in tests. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
