import { promises as fs } from 'node:fs';
import { parseTrackingFileLines, type TrackingEntry, type TrackingLineProblem } from './idExtraction';

/** What the reader needs of a file: its size (and identity, where known) and a byte range. */
export interface TrackingFileSource {
  /** Undefined when the file is gone. */
  stat(): Promise<{ size: number } | undefined>;
  read(start: number, end: number): Promise<Uint8Array>;
}

/** Where a tracking file was read up to, remembered across reloads (workspace state). */
export interface ReadPosition {
  /** Bytes consumed (always at a line start). */
  offset: number;
  /** Number of the line at `offset`, 1-based. */
  line: number;
  /** Hex of the file's first bytes (up to HEAD_BYTES) when it was last read. */
  head: string;
}

export interface TrackingFileRead {
  /** Lines with a session id, read since `position`. */
  entries: TrackingEntry[];
  /** Ignored lines and fields (never their content). */
  problems: TrackingLineProblem[];
  /** Where the next read starts, once these entries are tracked. */
  position: ReadPosition;
  /** Bytes read (from `position.offset` of the previous read, or from the start after a restart). */
  consumed: number;
  /** Why the file was read from the start instead of from the stored position, if it was. */
  restarted?: string;
  /** The last line has no line break yet: it is read again once it has. */
  partialLine: boolean;
}

/** Bytes of the file's start remembered to notice that it was replaced by a new file. */
const HEAD_BYTES = 64;
const START: ReadPosition = { offset: 0, line: 1, head: '' };

/**
 * Reads what was appended to a tracking file since `stored` (a position from an earlier read, or
 * anything else for a file not read before): only complete lines, from the start again when the
 * file shrank or was replaced. Undefined when the file is gone or nothing new is there.
 */
export async function readTrackingFile(source: TrackingFileSource, stored: unknown): Promise<TrackingFileRead | undefined> {
  const stat = await source.stat();
  if (!stat) {
    return undefined;
  }
  let position: ReadPosition = isPosition(stored) ? stored : START;
  let restarted: string | undefined;
  if (position.offset > 0) {
    const head = hex(await source.read(0, Math.min(HEAD_BYTES, stat.size)));
    if (stat.size < position.offset) {
      restarted = `shrank (${stat.size} < ${position.offset} bytes)`;
      position = START;
    } else if (!head.startsWith(position.head)) {
      restarted = 'was replaced';
      position = START;
    }
  }
  if (stat.size === position.offset) {
    return undefined;
  }
  const chunk = await source.read(position.offset, stat.size);
  const text = new TextDecoder().decode(chunk);
  const parsed = parseTrackingFileLines(text, position.line);
  // parseTrackingFileLines counts bytes of the decoded text; invalid UTF-8 decodes to U+FFFD
  // (3 bytes), so then the offset comes from the raw bytes (the position after the last line break).
  const consumed = text.includes('\uFFFD') ? (parsed.partialLine === undefined ? chunk.length : chunk.lastIndexOf(0x0a) + 1) : parsed.consumedBytes;
  const offset = position.offset + consumed;
  return {
    entries: parsed.entries,
    problems: [...parsed.malformed, ...parsed.warnings],
    position: { offset, line: parsed.nextLine, head: hex(await source.read(0, Math.min(HEAD_BYTES, offset))) },
    consumed,
    ...(restarted !== undefined ? { restarted } : {}),
    partialLine: parsed.partialLine !== undefined,
  };
}

/** A file on disk. */
export function nodeFileSource(path: string): TrackingFileSource {
  return {
    async stat() {
      try {
        return await fs.stat(path);
      } catch {
        return undefined;
      }
    },
    async read(start, end) {
      if (end <= start) {
        return new Uint8Array(0);
      }
      const handle = await fs.open(path, 'r');
      try {
        const buffer = Buffer.alloc(end - start);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
  };
}

function isPosition(value: unknown): value is ReadPosition {
  const p = value as ReadPosition | undefined;
  return !!p && Number.isInteger(p.offset) && p.offset >= 0 && Number.isInteger(p.line) && p.line >= 1 && typeof p.head === 'string';
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
