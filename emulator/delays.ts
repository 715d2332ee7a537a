/**
 * Timers that an emulator cancels when it closes, so injected latency never outlives it or keeps
 * the process alive.
 */
export class Delays {
  readonly #pending = new Map<NodeJS.Timeout, () => void>();
  #cancelled = false;

  /** Resolves true after `ms`, or false at once if the emulator closes first. */
  wait(ms: number): Promise<boolean> {
    if (this.#cancelled) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(timer);
        resolve(true);
      }, ms);
      timer.unref();
      this.#pending.set(timer, () => resolve(false));
    });
  }

  cancelAll(): void {
    this.#cancelled = true;
    for (const [timer, cancel] of this.#pending) {
      clearTimeout(timer);
      cancel();
    }
    this.#pending.clear();
  }
}
