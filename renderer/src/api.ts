import type { SesameApi } from '../../shared/ipc/contract';

declare global {
  interface Window {
    sesame?: SesameApi;
  }
}

/** The typed client of the preload API; undefined when the page runs without the app around it. */
export function sesameApi(): SesameApi | undefined {
  return window.sesame;
}
