import { useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * A ref that always holds this render's `value`, for listeners set up once that must call the
 * newest callback. It is updated while React commits (a layout effect), so an event that arrives
 * after the DOM changed and before the passive effects ran (a key pressed as a list appears) already
 * sees the new value; a plain effect left the previous render's callback in place for that moment.
 */
export function useLatest<T>(value: T): RefObject<T> {
  const latest = useRef(value);
  useLayoutEffect(() => {
    latest.current = value;
  });
  return latest;
}
