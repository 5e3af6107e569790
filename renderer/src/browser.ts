import { cryptoSource, type RandomSource } from './model/random-sequence';

/**
 * The few browser facilities the screens use beyond the DOM, passed in so component tests can
 * watch them (jsdom has no object URLs, downloads or clipboard).
 */
export interface BrowserDeps {
  createObjectURL(blob: Blob): string;
  revokeObjectURL(url: string): void;
  /** Starts saving `url` as `filename` (a click on a temporary `a[download]`). */
  download(url: string, filename: string): void;
  copyText(text: string): Promise<void>;
  random: RandomSource;
}

/** The real browser's facilities. */
export function browserDeps(): BrowserDeps {
  return {
    createObjectURL: (blob) => URL.createObjectURL(blob),
    revokeObjectURL: (url) => {
      URL.revokeObjectURL(url);
    },
    download: (url, filename) => {
      const link = document.createElement('a');
      link.href = url;
      link.download = filename;
      link.hidden = true;
      document.body.append(link);
      link.click();
      link.remove();
    },
    copyText: (text) => navigator.clipboard.writeText(text),
    random: cryptoSource,
  };
}
