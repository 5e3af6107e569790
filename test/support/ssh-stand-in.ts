import type { TestBed } from './testbed';

/**
 * The service behind a door: a listener on port 22 of the server host that greets like sshd.
 * Probes connect and reset at once; the listener survives that.
 */
export function startSshStandIn(bed: TestBed): void {
  bed.spawn(bed.server, [
    process.execPath,
    '-e',
    "require('net').createServer((s) => { s.on('error', () => {}); s.end('SSH-2.0-test\\r\\n'); }).listen(22)",
  ]);
}
