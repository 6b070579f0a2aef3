import * as assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { extractSessionIds, findIdsInText, parseTrackingFileLines, parseTypedIds } from '../../src/core/idExtraction';

const A = 'aea9ba6d-1b47-47fc-a4fc-f72b6d3584a7';
const B = '0d7e4c1a-2b3c-4d5e-8f90-a1b2c3d4e5f6';
const C = 'ffffffff-0000-4000-8000-123456789abc';

describe('id extraction', () => {
  describe('parseTypedIds', () => {
    it('splits on whitespace, commas, semicolons, quotes, brackets and pipes', () => {
      const input = ` ${A},${B};\t"${C}"\n['${A}'] (${B}) {${C}} <${A}> |${B}| \`${C}\` `;
      assert.deepEqual(parseTypedIds(input), { ids: [A, B, C], invalid: [] });
    });

    it('normalises uppercase and surrounding whitespace to lowercase ids', () => {
      assert.deepEqual(parseTypedIds(`   ${A.toUpperCase()}   `), { ids: [A], invalid: [] });
    });

    it('keeps first-seen order and drops duplicates, whatever their case', () => {
      const result = parseTypedIds(`${B} ${A} ${B.toUpperCase()} ${A}`);
      assert.deepEqual(result.ids, [B, A]);
    });

    it('reports every token that is not a UUID, once, as typed', () => {
      const result = parseTypedIds(`abc-123, ${A}, ${A.slice(0, 30)}; hello abc-123 ${A}0`);
      assert.deepEqual(result.ids, [A]);
      assert.deepEqual(result.invalid, ['abc-123', A.slice(0, 30), 'hello', `${A}0`]);
    });

    it('rejects UUID-shaped tokens with non-hex characters or wrong group lengths', () => {
      const wrongChar = 'aea9ba6d-1b47-47fc-a4fc-f72b6d3584az';
      const wrongGroups = 'aea9ba6d1-b47-47fc-a4fc-f72b6d3584a7';
      assert.deepEqual(parseTypedIds(`${wrongChar} ${wrongGroups}`), { ids: [], invalid: [wrongChar, wrongGroups] });
    });

    it('takes the id out of a pasted URL or key=value token instead of reporting it', () => {
      const result = parseTypedIds(`https://station.veriff.com/v1/sessions/${A}/decision id=${B}`);
      assert.deepEqual(result, { ids: [A, B], invalid: [] });
    });

    it('returns nothing for empty or separator-only input', () => {
      assert.deepEqual(parseTypedIds(''), { ids: [], invalid: [] });
      assert.deepEqual(parseTypedIds(' ,;\n\t[]() '), { ids: [], invalid: [] });
    });
  });

  describe('findIdsInText', () => {
    it('finds ids in log lines, case-insensitively, normalised and unique', () => {
      const log = [
        `2026-01-01T09:00:00Z INFO created session ${A.toUpperCase()} for user 42`,
        `2026-01-01T09:00:01Z INFO session=${B} status=created`,
        `2026-01-01T09:00:02Z WARN retrying ${A}`,
      ].join('\n');
      assert.deepEqual(findIdsInText(log), { ids: [A, B], invalid: [] });
    });

    it('finds ids inside JSON and JSONL', () => {
      const json = JSON.stringify({ status: 'success', verification: { id: A, url: `https://alchemy.veriff.com/v/${B}` } });
      const jsonl = `{"id":"${C}"}\n{"id":"${A}"}`;
      assert.deepEqual(findIdsInText(`${json}\n${jsonl}`).ids, [A, B, C]);
    });

    it('finds ids inside URLs, including percent-encoded ones', () => {
      const text = `GET https://stationapi.veriff.com/v1/sessions/${A}/decision?x=1 and redirect=https%3A%2F%2Fh%2F${B}`;
      assert.deepEqual(findIdsInText(text).ids, [A, B]);
    });

    it('finds ids wrapped in ANSI colour codes of terminal output', () => {
      assert.deepEqual(findIdsInText(`\x1b[32m${A}\x1b[0m\r\n`).ids, [A]);
    });

    it('does not cut a UUID out of a longer hex run', () => {
      assert.deepEqual(findIdsInText(`0${A}`).ids, []);
      assert.deepEqual(findIdsInText(`${A}0`).ids, []);
      assert.deepEqual(findIdsInText(A.replace(/-/g, '')).ids, []);
    });

    it('never reports invalid tokens', () => {
      assert.deepEqual(findIdsInText('abc-123 not an id 1234'), { ids: [], invalid: [] });
    });
  });

  describe('extractSessionIds', () => {
    it('treats a pasted list of id-shaped tokens as typed and reports the broken ones', () => {
      assert.deepEqual(extractSessionIds(`${A}\nabc-123\n${B.slice(0, 13)}`), {
        ids: [A],
        invalid: ['abc-123', B.slice(0, 13)],
      });
    });

    it('treats prose and logs as text and reports nothing invalid', () => {
      const log = `Created session ${A} at 12:00 (attempt abc-123)`;
      assert.deepEqual(extractSessionIds(log), { ids: [A], invalid: [] });
    });

    it('accepts a copied URL as a typed list without complaint', () => {
      assert.deepEqual(extractSessionIds(`https://example.test/sessions/${A}`), { ids: [A], invalid: [] });
    });
  });

  describe('parseTrackingFileLines', () => {
    it('reads JSON objects with optional label/run, integration and vendorData, and bare ids', () => {
      const text = [
        JSON.stringify({ id: A, label: 'nightly #12', integration: 'test', vendorData: ' user-1 ' }),
        JSON.stringify({ id: B.toUpperCase(), run: 7 }),
        `  ${C}  `,
        JSON.stringify(A),
        '',
      ].join('\n');
      const result = parseTrackingFileLines(text);
      assert.deepEqual(result.entries, [
        { id: A, line: 1, label: 'nightly #12', integration: 'test', vendorData: ' user-1 ' },
        { id: B, line: 2, label: '7' },
        { id: C, line: 3 },
        { id: A, line: 4 },
      ]);
      assert.deepEqual(result.malformed, []);
      assert.equal(result.partialLine, undefined);
      assert.equal(result.consumedChars, text.length);
      assert.equal(result.nextLine, 5);
    });

    it('prefers label over run', () => {
      const result = parseTrackingFileLines(`${JSON.stringify({ id: A, label: 'L', run: 'R' })}\n`);
      assert.equal(result.entries[0]?.label, 'L');
    });

    it("accepts Veriff's own create response as a line", () => {
      const line = JSON.stringify({ status: 'success', verification: { id: A, status: 'created' } });
      assert.deepEqual(parseTrackingFileLines(`${line}\n`).entries, [{ id: A, line: 1 }]);
    });

    it('skips blank lines but keeps counting them', () => {
      const result = parseTrackingFileLines(`\n   \n${A}\n\t\n${B}\n`);
      assert.deepEqual(
        result.entries.map((e) => [e.id, e.line]),
        [
          [A, 3],
          [B, 5],
        ],
      );
      assert.equal(result.nextLine, 6);
    });

    it('reports malformed lines with their line numbers and reads on past them', () => {
      const text = [
        `${A}`,
        '{"id": "' + B, // truncated JSON in the middle of the file
        'hello',
        '{"label":"no id"}',
        '{"id":"abc-123"}',
        '[1,2]',
        '42',
        `${C}`,
        '',
      ].join('\n');
      const result = parseTrackingFileLines(text, 10);
      assert.deepEqual(
        result.entries.map((e) => [e.id, e.line]),
        [
          [A, 10],
          [C, 17],
        ],
      );
      assert.deepEqual(
        result.malformed.map((m) => [m.line, m.reason]),
        [
          [11, 'not valid JSON'],
          [12, 'not a session id (expected a UUID or a JSON object with "id")'],
          [13, 'no "id" field'],
          [14, '"id" is not a UUID'],
          [15, 'not a JSON object'],
          [16, 'not a session id (expected a UUID or a JSON object with "id")'],
        ],
      );
      assert.equal(result.malformed[1]?.text, 'hello');
    });

    it('keeps the id when an optional field has the wrong type, with a warning', () => {
      const result = parseTrackingFileLines(`${JSON.stringify({ id: A, label: ['x'], integration: 3, vendorData: {} })}\n`);
      assert.deepEqual(result.entries, [{ id: A, line: 1 }]);
      assert.deepEqual(
        result.warnings.map((w) => w.reason),
        ['"label" ignored: not a string', '"integration" ignored: not a string', '"vendorData" ignored: not a string'],
      );
    });

    it('shortens long malformed lines in reports', () => {
      const result = parseTrackingFileLines(`${'x'.repeat(5000)}\n`);
      assert.equal(result.malformed[0]?.text.length, 201);
    });

    it('leaves a partial last line unconsumed and resumes from the returned offset and line', () => {
      const first = `${A}\n{"id":"${B}","label":"r"}\n{"id":"${C.slice(0, 10)}`;
      const r1 = parseTrackingFileLines(first);
      assert.deepEqual(
        r1.entries.map((e) => e.id),
        [A, B],
      );
      assert.deepEqual(r1.malformed, []);
      assert.equal(r1.partialLine, `{"id":"${C.slice(0, 10)}`);
      assert.equal(r1.consumedChars, first.lastIndexOf('\n') + 1);
      assert.equal(r1.nextLine, 3);

      const grown = `${first}${C.slice(10)}"}\n${A}\n`;
      const r2 = parseTrackingFileLines(grown.slice(r1.consumedChars), r1.nextLine);
      assert.deepEqual(
        r2.entries.map((e) => [e.id, e.line]),
        [
          [C, 3],
          [A, 4],
        ],
      );
      assert.equal(r2.partialLine, undefined);
      assert.equal(r1.consumedChars + r2.consumedChars, grown.length);
    });

    it('parses an unterminated last line when told the text is final', () => {
      const result = parseTrackingFileLines(`${A}\n${B}`, 1, { final: true });
      assert.deepEqual(
        result.entries.map((e) => e.id),
        [A, B],
      );
      assert.equal(result.partialLine, undefined);
      assert.equal(result.consumedChars, 73);
      assert.equal(result.nextLine, 3);
    });

    it('counts consumed UTF-8 bytes separately from characters', () => {
      const text = `${JSON.stringify({ id: A, label: 'Käse 🧀' })}\n${B.slice(0, 5)}`;
      const result = parseTrackingFileLines(text);
      const consumedText = text.slice(0, result.consumedChars);
      assert.equal(result.consumedBytes, Buffer.byteLength(consumedText, 'utf8'));
      assert.ok(result.consumedBytes > result.consumedChars);
      assert.equal(Buffer.from(text, 'utf8').subarray(result.consumedBytes).toString('utf8'), B.slice(0, 5));
    });

    it('handles CRLF line endings, including a CR left at the end by a partial write', () => {
      const text = `${A}\r\n{"id":"${B}","label":"win"}\r\n\r\n${C}\r`;
      const result = parseTrackingFileLines(text);
      assert.deepEqual(
        result.entries.map((e) => [e.id, e.line, e.label]),
        [
          [A, 1, undefined],
          [B, 2, 'win'],
        ],
      );
      assert.deepEqual(result.malformed, []);
      assert.equal(result.partialLine, `${C}\r`);
      assert.equal(result.nextLine, 4);
    });

    it('skips a UTF-8 byte order mark at the start of the file', () => {
      assert.deepEqual(parseTrackingFileLines(`\uFEFF${A}\n`).entries, [{ id: A, line: 1 }]);
      const json = parseTrackingFileLines(`\uFEFF{"id":"${A}"}\n`);
      assert.deepEqual(json.entries, [{ id: A, line: 1 }]);
      assert.deepEqual(json.malformed, []);
    });

    it('parses 10,000 lines well under 50 ms', () => {
      const lines: string[] = [];
      for (let i = 0; i < 10_000; i++) {
        const id = `${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
        lines.push(i % 2 === 0 ? JSON.stringify({ id, label: `run ${i % 7}`, integration: 'test' }) : id);
      }
      const text = `${lines.join('\r\n')}\r\n`;
      // Best of ten: the bound is about the parser, not a GC pause, a cold JIT or the other
      // processes of a busy 2-core machine.
      let best = Infinity;
      for (let run = 0; run < 10; run++) {
        const start = performance.now();
        const result = parseTrackingFileLines(text);
        best = Math.min(best, performance.now() - start);
        assert.equal(result.entries.length, 10_000);
        assert.equal(result.malformed.length, 0);
      }
      assert.ok(best < 50, `took ${best.toFixed(1)} ms`);
    });
  });
});
