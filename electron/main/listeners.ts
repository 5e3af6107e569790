/** A typed list of listeners: services announce changes through these instead of an EventEmitter. */
export class Listeners<T> {
  private readonly listeners = new Set<(value: T) => void>();

  /** Adds a listener; returns the function that removes it. */
  add(listener: (value: T) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls every listener; one that throws does not stop the others (it is reported to `onError`). */
  emit(value: T, onError: (error: unknown) => void = () => undefined): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (error) {
        onError(error);
      }
    }
  }
}
