// `node --import` this file to append the process's V8 heap every 250 ms to SESAME_HEAP_LOG
// (default /tmp/sesame-heap.log): ms since start, RSS, heap and external memory, then each heap
// space as size/used in MB. For finding what grows under the flood, with
// SESAME_BENCH_NODE_ARGS="--import $PWD/test/support/heap-log.mjs" npm run bench -- server-memory.
// The timer does not keep the process alive.
import { appendFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const out = process.env.SESAME_HEAP_LOG ?? '/tmp/sesame-heap.log';
const mb = (bytes) => (bytes / 2 ** 20).toFixed(1);
const start = Date.now();

function sample() {
  const m = process.memoryUsage();
  const spaces = getHeapSpaceStatistics()
    .filter((s) => s.space_size > 0)
    .map(
      (s) => `${s.space_name.replace(/_space$/, '')}=${mb(s.space_size)}/${mb(s.space_used_size)}`,
    );
  const line = [
    `${Date.now() - start}ms`,
    `rss=${mb(m.rss)}`,
    `heapUsed=${mb(m.heapUsed)}`,
    `external=${mb(m.external)}`,
    `arrayBuffers=${mb(m.arrayBuffers)}`,
    ...spaces,
  ];
  appendFileSync(out, `${line.join(' ')}\n`);
}

setInterval(sample, 250).unref();
sample();
