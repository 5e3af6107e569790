import { useEffect, useState } from 'react';
import type { AppInfo, SesameApi } from '../../shared/ipc/contract';
import { browserDeps, type BrowserDeps } from './browser';
import { Shell } from './Shell';

/**
 * The window's root. `api` is the preload's `window.sesame` (or a test bridge's or a fake's);
 * without it the page can only say so.
 */
export function App({ api, browser }: { api: SesameApi | undefined; browser?: BrowserDeps }) {
  const [info, setInfo] = useState<AppInfo | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [deps] = useState<BrowserDeps>(() => browser ?? browserDeps());

  useEffect(() => {
    if (!api) return;
    void api.app.info().then((result) => {
      if (result.ok) setInfo(result.value);
      else setError(`Could not read the app's version: ${result.error.message}`);
    });
  }, [api]);

  if (!api) {
    return (
      <main className="app">
        <h1>Sesame</h1>
        <p role="alert" className="error">
          The Sesame app API is not available in this page.
        </p>
      </main>
    );
  }
  return (
    <>
      {error && (
        <p role="alert" className="error banner">
          {error}
        </p>
      )}
      <Shell api={api} browser={deps} info={info} />
    </>
  );
}
