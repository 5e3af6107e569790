import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { describeRoot } from '../support/root';

// The capture addon's releaseCodePages (native/capture/src/code-pages.c) in a Node process of its
// own: the file pages it unmaps leave RSS, and the process goes on running as before. Dropping a
// page that differs from its file (relocated RELRO data, V8's code, the heap) would crash or corrupt
// that process, which is what the second test looks for. Root tier: it comes with the addon.

const run = promisify(execFile);
const addon = createRequire(import.meta.url).resolve('sesame-capture');

/** Runs `script` in a fresh node with the addon as `addon`; returns what it printed, parsed. */
async function inNode(script: string): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [
    '-e',
    `const addon = require(${JSON.stringify(addon)});
const fileKb = () => Number(/RssFile:\\s+(\\d+)/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))[1]);
${script}`,
  ]);
  return JSON.parse(stdout) as Record<string, unknown>;
}

describeRoot('releasing the program pages', {}, () => {
  it("unmaps read-only file pages: the node binary's leave RSS", async () => {
    const result = await inNode(`
const before = fileKb();
const released = addon.releaseCodePages();
const after = fileKb();
console.log(JSON.stringify({ before, after, ...released }));`);
    expect(result.mappings).toBeGreaterThan(0);
    expect(result.bytes).toBeGreaterThan(10 * 1048576);
    // A bare node holds about 37 MB of file pages; after the release a few MB come back at once.
    expect(Number(result.after)).toBeLessThan(Number(result.before) / 2);
  }, 30_000);

  it('leaves every page that differs from its file: the process runs on unchanged', async () => {
    const result = await inNode(`
const { createHash } = require('node:crypto');
const { gzipSync, gunzipSync } = require('node:zlib');
const data = Buffer.from(Array.from({ length: 100000 }, (_, i) => i % 251));
const work = () => {
  const hash = createHash('sha256').update(data).digest('hex');
  const round = gunzipSync(gzipSync(data)).equals(data);
  const text = JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ i, s: String(i * 7) })));
  const sum = JSON.parse(text).reduce((n, o) => n + o.i + Number(o.s), 0);
  const matched = /^(\\d+)-(\\w+)$/.exec('1234-door')?.[2];
  return { hash, round, sum, matched, date: new Date(0).toISOString() };
};
const before = work();
const kept = Buffer.from(data);
addon.releaseCodePages();
globalThis.gc?.();
const after = work();
setTimeout(() => {
  const later = work();
  console.log(JSON.stringify({ same: JSON.stringify(before) === JSON.stringify(after) && JSON.stringify(after) === JSON.stringify(later), heapKept: kept.equals(data), before }));
}, 50);`);
    expect(result).toMatchObject({ same: true, heapKept: true });
    expect(result.before).toMatchObject({ round: true, sum: 3996000, matched: 'door' });
  }, 30_000);

  it('leaves the capture ring (a shared mapping of the packet socket): packets still arrive', async () => {
    const port = 40_000 + Math.floor(Math.random() * 20_000);
    const result = await inNode(`
const batch = Buffer.alloc(65536);
let got = 0;
const opened = addon.open('lo', 'udp dst port ${String(port)}', 86, false, 1 << 20, batch, (count) => {
  got += count;
  if (got < 2) return;
  addon.close(opened.handle);
  socket.close();
  console.log(JSON.stringify({ got, released }));
});
const released = addon.releaseCodePages();
const socket = require('node:dgram').createSocket('udp4');
socket.send(Buffer.from('knock'), ${String(port)}, '127.0.0.1');
setTimeout(() => socket.send(Buffer.from('knock'), ${String(port)}, '127.0.0.1'), 100);`);
    expect(result.got).toBe(2);
  }, 30_000);
});
