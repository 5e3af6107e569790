import type { SesameApi } from '../../../shared/ipc/contract';
import type { BrowserDeps } from '../browser';
import { ExportPanel } from './ExportPanel';
import { ImportPanel } from './ImportPanel';

/** Import (Sesame JSON, knockd.conf) and export (JSON) on one screen. */
export function TransferScreen({ api, browser }: { api: SesameApi; browser: BrowserDeps }) {
  return (
    <div className="transfer-screen">
      <h2>Import &amp; export</h2>
      <ImportPanel api={api} />
      <ExportPanel api={api} browser={browser} />
    </div>
  );
}
