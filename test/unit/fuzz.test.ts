// Property-based fuzzing (fast-check) of everything that reads untrusted text: id extraction, the
// tracking-file reader and the parser of Veriff's answers. Random bytes, huge lines, invalid UTF-8
// and `__proto__` keys must never throw, never change a prototype, and give only valid UUIDs.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { extractSessionIds, findIdsInText, parseTrackingFileLines, parseTypedIds } from '../../src/core/idExtraction';
import { parseAttempts, parseCreated, parseDecision, parseDeleted, parseJsonBody, parsePatched, parseRetryAfter } from '../../src/core/http/response';
import { readTrackingFile, type TrackingFileSource } from '../../src/core/trackingFileReader';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const REQUESTED = '0b0b0b0b-1111-4222-8333-444444444444';
/** Runs per property: enough to find the usual suspects in about a second; FUZZ_RUNS=5000 for a longer campaign. A failure prints its seed. */
const RUNS = { numRuns: Number(process.env.FUZZ_RUNS) || 300 };

/** A fingerprint of the built-in prototypes a parser could pollute. */
function prototypes(): string {
  return [Object.prototype, Array.prototype, String.prototype, Function.prototype]
    .map((p) => Object.getOwnPropertyNames(p).sort().join(','))
    .join('|');
}

function assertUuids(ids: readonly string[], where: string): void {
  for (const id of ids) {
    assert.match(id, UUID, `${where} gave ${JSON.stringify(id).slice(0, 80)}`);
  }
}

/** Text built from pieces that matter: UUIDs in any case, their near misses, separators, JSON, escapes. */
const piece = fc.oneof(
  fc.uuid().map((u) => (Math.random() < 0.5 ? u.toUpperCase() : u)),
  fc.uuid().map((u) => u.slice(0, 35)),
  fc.uuid().map((u) => `${u}0`),
  fc.constantFrom('\n', '\r\n', ' ', ',', ';', '"', '{', '}', '[', ']', ':', '%2F', '\x1b[32m', '\uFEFF', '\uFFFD', '\u0000', '__proto__', 'constructor', 'prototype'),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '{"__proto__":{"polluted":1},"id":"aea9ba6d-1b47-47fc-a4fc-f72b6d3584a7"}',
    '{"constructor":{"prototype":{"polluted":1}},"id":"x"}',
    '{"id":{"__proto__":null},"label":{"toString":1}}',
    '{"verification":{"id":"AEA9BA6D-1B47-47FC-A4FC-F72B6D3584A7","__proto__":[]}}',
  ),
);
const text = fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(''));
/** One huge line (up to 300 KB) now and then. */
const hugeText = fc.tuple(fc.integer({ min: 50_000, max: 300_000 }), fc.uuid()).map(([n, u]) => `${'a-'.repeat(n / 2)}${u}${'\u00e9'.repeat(100)}`);

/** Bytes that are often not UTF-8: random bytes, truncated multi-byte sequences, line breaks. */
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 400 }),
  fc.array(fc.oneof(fc.uint8Array({ maxLength: 8 }), fc.constantFrom(Buffer.from('\n'), Buffer.from([0xe2, 0x82]), Buffer.from([0xff, 0xfe]), Buffer.from('{"id":"aea9ba6d-1b47-47fc-a4fc-f72b6d3584a7"}\n'))), { maxLength: 60 }).map((parts) => Buffer.concat(parts)),
  text.map((t) => Buffer.from(t, 'utf8')),
);

function memorySource(content: { bytes: Uint8Array; ino?: string }): TrackingFileSource {
  return {
    stat: async () => ({ size: content.bytes.length, ...(content.ino !== undefined ? { ino: content.ino } : {}) }),
    read: async (start, end) => content.bytes.subarray(start, Math.min(end, content.bytes.length)),
  };
}

describe('fuzz (fast-check): untrusted input never throws, pollutes or yields a non-UUID id', function () {
  this.timeout(60_000);
  const before = prototypes();
  afterEach(() => {
    assert.equal(prototypes(), before, 'a built-in prototype changed');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('id extraction: typed lists, logs and unknown text', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 20, arbitrary: text }, { weight: 1, arbitrary: hugeText }, { weight: 3, arbitrary: bytes.map((b) => Buffer.from(b).toString('utf8')) }), (input) => {
        for (const [name, extract] of [
          ['findIdsInText', findIdsInText],
          ['parseTypedIds', parseTypedIds],
          ['extractSessionIds', extractSessionIds],
        ] as const) {
          const result = extract(input);
          assertUuids(result.ids, name);
          assert.equal(new Set(result.ids).size, result.ids.length, `${name}: ids are unique`);
          assert.ok(result.invalid.every((t) => typeof t === 'string'));
        }
      }),
      RUNS,
    );
  });

  it('tracking-file lines: entries are UUIDs with string fields, problems never quote the line', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 20, arbitrary: text }, { weight: 1, arbitrary: hugeText }), fc.integer({ min: 1, max: 1e6 }), fc.boolean(), (input, fromLine, final) => {
        const result = parseTrackingFileLines(input, fromLine, { final });
        assertUuids(result.entries.map((e) => e.id), 'parseTrackingFileLines');
        for (const e of result.entries) {
          assert.ok(e.line >= fromLine && e.line < result.nextLine);
          for (const field of [e.label, e.integration, e.vendorData]) {
            assert.ok(field === undefined || typeof field === 'string');
          }
          assert.equal(Object.getPrototypeOf(e), Object.prototype);
        }
        for (const p of [...result.malformed, ...result.warnings]) {
          assert.deepEqual(Object.keys(p).sort(), ['line', 'reason']);
        }
        assert.ok(result.consumedChars >= 0 && result.consumedChars <= input.length);
      }),
      RUNS,
    );
  });

  it('tracking-file reader: random bytes, random stored positions, appends and rewrites', async () => {
    const storedPosition = fc.oneof(
      fc.constant(undefined),
      fc.anything(),
      fc.record({ offset: fc.integer({ min: -5, max: 5000 }), line: fc.integer({ min: -1, max: 100 }), firstLine: fc.string(), ino: fc.string(), head: fc.string() }, { requiredKeys: [] }),
      fc.constant(JSON.parse('{"__proto__":{"polluted":1},"offset":3,"line":2}')),
    );
    await fc.assert(
      fc.asyncProperty(bytes, fc.array(bytes, { maxLength: 4 }), storedPosition, fc.boolean(), async (first, appends, stored, rewrite) => {
        const file = { bytes: Uint8Array.from(first) as Uint8Array, ino: '1' };
        let position: unknown = stored;
        for (const more of appends) {
          const read = await readTrackingFile(memorySource(file), position);
          if (read) {
            assertUuids(read.entries.map((e) => e.id), 'readTrackingFile');
            const { offset } = read.position;
            assert.ok(offset >= 0 && offset <= file.bytes.length, `offset ${offset} of ${file.bytes.length}`);
            assert.ok(offset === 0 || file.bytes[offset - 1] === 0x0a, 'a stored position is at a line start');
            position = read.position;
          }
          file.bytes = rewrite ? Uint8Array.from(more) : Buffer.concat([file.bytes, more]);
        }
      }),
      RUNS,
    );
  });

  it('tracking-file reader: reading an append-only file piece by piece finds the same ids as reading it once', async () => {
    await fc.assert(
      fc.asyncProperty(bytes, fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 6 }), async (content, cuts) => {
        const all = Uint8Array.from(Buffer.concat([Buffer.from(content), Buffer.from('\n')]));
        const ends = [...new Set(cuts.map((c) => c % (all.length + 1)))].sort((a, b) => a - b).concat(all.length);
        const file = { bytes: new Uint8Array(0), ino: '1' };
        let position: unknown;
        const pieces: string[] = [];
        for (const end of ends) {
          file.bytes = all.subarray(0, end);
          const read = await readTrackingFile(memorySource(file), position);
          if (read) {
            assert.equal(read.restarted, undefined, 'an append is never taken for a rewrite');
            pieces.push(...read.entries.map((e) => e.id));
            position = read.position;
          }
        }
        const once = await readTrackingFile(memorySource({ bytes: all, ino: '1' }), undefined);
        assert.deepEqual(pieces, once?.entries.map((e) => e.id) ?? []);
      }),
      RUNS,
    );
  });

  it("Veriff's answers: any body and headers parse to a value or a clear problem, ids only as UUIDs", () => {
    const body = fc.oneof(
      bytes,
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
      fc
        .record({ id: fc.oneof(fc.uuid(), fc.string(), fc.constant('__proto__')), status: fc.string(), url: fc.oneof(fc.webUrl(), fc.string()), code: fc.anything() }, { requiredKeys: [] })
        .map((v) => Buffer.from(`{"status":"success","__proto__":{"polluted":1},"verification":${JSON.stringify(v)},"verifications":[${JSON.stringify(v)}]}`)),
    );
    const headers = fc.dictionary(fc.constantFrom('retry-after', 'x-ratelimit-reset', 'content-type', '__proto__'), fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 2 })));
    fc.assert(
      fc.property(body, headers, fc.constantFrom(undefined, 'application/json', 'text/html'), (raw, h, type) => {
        const parsed = parseJsonBody(Buffer.from(raw), type);
        if (!parsed.ok) {
          assert.equal(typeof parsed.problem, 'string');
          return;
        }
        const created = parseCreated(parsed.json);
        if (created) {
          assert.match(created.id, UUID);
          assert.match(created.url, /^https?:\/\//);
        }
        // parseDeleted belongs to the DELETE pipeline (its owner decides what a DELETE answer's id means): no throw is asked of it here.
        const deleted = parseDeleted(REQUESTED)(parsed.json);
        assert.ok(deleted === undefined || typeof deleted.id === 'string');
        const patched = parsePatched(REQUESTED)(parsed.json);
        if (patched) assert.match(patched.id, UUID);
        const decision = parseDecision(parsed.json);
        if (decision?.verification?.id !== undefined) assert.match(decision.verification.id, UUID);
        const attempts = parseAttempts(parsed.json);
        assert.ok(attempts === undefined || attempts.every((a) => typeof a.id === 'string' && typeof a.status === 'string'));
        const wait = parseRetryAfter(h as Record<string, string>, 1_767_258_000_000);
        assert.ok(wait === undefined || (Number.isFinite(wait) && wait >= 0));
      }),
      RUNS,
    );
  });
});
