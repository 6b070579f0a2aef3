import * as assert from 'node:assert/strict';
import { OutputTail } from '../../src/core/outputTail';

const MiB = 1024 * 1024;

describe('terminal output tail', () => {
  it('keeps at most the last 1 MiB of a command output, even from one huge chunk', () => {
    const tail = new OutputTail();
    tail.push('first line\n');
    tail.push(`${'.'.repeat(3 * MiB)}\n`);
    tail.push('summary: 4 sessions created\n');
    const text = tail.text();
    assert.ok(text.length <= MiB, `kept ${text.length} characters`);
    assert.ok(text.endsWith('summary: 4 sessions created\n'));
    assert.ok(!text.includes('first line'));
    assert.equal(tail.truncated, true);
  });

  it('keeps everything below the limit, in order', () => {
    const tail = new OutputTail();
    for (let i = 0; i < 1000; i++) {
      tail.push(`line ${i}\n`);
    }
    assert.equal(tail.truncated, false);
    assert.equal(tail.text(), Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join(''));
  });

  it('stays bounded over a long stream of small chunks', () => {
    const tail = new OutputTail();
    const chunk = 'x'.repeat(1000) + '\n';
    for (let i = 0; i < 5000; i++) {
      tail.push(chunk);
    }
    assert.ok(tail.text().length <= MiB);
    assert.ok(tail.text().length > MiB - chunk.length, 'but keeps (almost) all it may');
  });
});
