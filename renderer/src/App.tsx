import { useEffect, useState } from 'react';
import type { AppInfo, SesameApi } from '../../shared/ipc/contract';

/** The window's root; the profile screens arrive with the renderer issue. */
export function App({ api }: { api: SesameApi | undefined }) {
  const [info, setInfo] = useState<AppInfo | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    if (!api) {
      setError('The Sesame app API is not available in this page.');
      return;
    }
    void api.app.info().then((result) => {
      if (result.ok) setInfo(result.value);
      else setError(result.error.message);
    });
  }, [api]);

  return (
    <main className="app">
      <h1>Sesame</h1>
      {info && (
        <p className="about">
          {info.name} {info.version} on {info.platform}
        </p>
      )}
      {error && <p role="alert">{error}</p>}
    </main>
  );
}
