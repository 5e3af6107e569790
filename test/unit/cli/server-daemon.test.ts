import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { guardCrashes } from '../../../electron/cli/server-daemon';

describe('guardCrashes', () => {
  it('hands the first uncaught error or unhandled rejection to the server once, until removed', () => {
    const target = new EventEmitter();
    const crashes: unknown[] = [];
    const unguard = guardCrashes((error) => crashes.push(error), target);
    target.emit('unhandledRejection', new Error('spawn failed'));
    target.emit('uncaughtException', new Error('later'));
    expect(crashes).toEqual([new Error('spawn failed')]);
    unguard();
    expect(target.listenerCount('uncaughtException')).toBe(0);
    expect(target.listenerCount('unhandledRejection')).toBe(0);
  });
});
