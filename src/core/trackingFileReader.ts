import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { parseTrackingFileLines, type TrackingEntry, type TrackingLineProblem } from './idExtraction';

/** What the reader knows of a file: its size and, where the file system tells, its identity. */
export interface TrackingFileStat {
  size: number;
  /** Inode number (as text: it may not fit a double). */
  ino?: string;
  /** Creation time; 0 or absent where the file system does not keep it. */
  birthtimeMs?: number;
}

/** What the reader needs of a file: its stat and a byte range. */
export interface TrackingFileSource {
  /** Undefined when the file is gone. */
  stat(): Promise<TrackingFileStat | undefined>;
  read(start: number, end: number): Promise<Uint8Array>;
}

/**
 * Where a tracking file was read up to, and which file that was, remembered across reloads
 * (workspace state): the file is the same one when its inode and birth time (where known) and the
 * hash of its first complete line are unchanged. Never the content itself.
 */
export interface ReadPosition {
  /** Bytes consumed (always at a line start). */
  offset: number;
  /** Number of the line at `offset`, 1-based. */
  line: number;
  ino?: string;
  birthtimeMs?: number;
  /** sha256 (hex, shortened) of the first complete line; absent while there is none. */
  firstLine?: string;
  /** Earlier versions: hex of the file's first 64 bytes. Read once, replaced on the next save. */
  head?: string;
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

/** The first line is hashed up to this many bytes (a longer one by its beginning). */
const FIRST_LINE_MAX_BYTES = 64 * 1024;
/** Earlier versions kept this many bytes of the file's start. */
const LEGACY_HEAD_BYTES = 64;
const START: ReadPosition = { offset: 0, line: 1 };

/**
 * Whether the file at `stored` is still the file read before, and so the read resumes there, or
 * why it is read from the start: it shrank, it is another file (inode or birth time changed:
 * replaced by a rename), or it was rewritten in place (its first complete line changed, which a
 * test suite starting over does even when every line shares a long prefix).
 */
export function resumeOrRestart(stored: ReadPosition, current: TrackingFileStat & { firstLine?: string; legacyHead?: string }): string | undefined {
  if (stored.offset === 0) {
    return undefined;
  }
  if (current.size < stored.offset) {
    return `shrank (${current.size} < ${stored.offset} bytes)`;
  }
  if (stored.ino !== undefined && current.ino !== undefined && stored.ino !== current.ino) {
    return 'was replaced by another file (new inode)';
  }
  if (stored.birthtimeMs && current.birthtimeMs && stored.birthtimeMs !== current.birthtimeMs) {
    return 'was replaced by another file (new creation time)';
  }
  if (stored.firstLine !== undefined) {
    return stored.firstLine === current.firstLine ? undefined : 'was rewritten (its first line changed)';
  }
  if (stored.head !== undefined && current.legacyHead !== undefined && !current.legacyHead.startsWith(stored.head)) {
    return 'was replaced (its first bytes changed)';
  }
  return undefined;
}

/**
 * Reads what was appended to a tracking file since `stored` (a position from an earlier read, or
 * anything else for a file not read before): only complete lines, and from the start again when
 * `resumeOrRestart` says the file is not the one read before. Undefined when the file is gone or
 * nothing new is there.
 */
export async function readTrackingFile(source: TrackingFileSource, stored: unknown): Promise<TrackingFileRead | undefined> {
  const stat = await source.stat();
  if (!stat) {
    return undefined;
  }
  let position: ReadPosition = isPosition(stored) ? stored : START;
  let firstLine: string | undefined;
  let restarted: string | undefined;
  if (position.offset > 0) {
    firstLine = firstLineHash(await source.read(0, Math.min(FIRST_LINE_MAX_BYTES, stat.size)), stat.size);
    const legacyHead = position.firstLine === undefined && position.head !== undefined ? hex(await source.read(0, Math.min(LEGACY_HEAD_BYTES, stat.size))) : undefined;
    restarted = resumeOrRestart(position, { ...stat, firstLine, ...(legacyHead !== undefined ? { legacyHead } : {}) });
    if (restarted === undefined && stat.size >= position.offset && (await source.read(position.offset - 1, position.offset))[0] !== 0x0a) {
      restarted = 'changed (the stored position is not at a line start)';
    }
    if (restarted !== undefined) {
      position = START;
      firstLine = undefined;
    }
  }
  if (stat.size === position.offset) {
    return undefined;
  }
  const chunk = await source.read(position.offset, stat.size);
  // ignoreBOM keeps a byte order mark as U+FEFF, so byte offsets computed from the text stay right
  // (the line parser trims it).
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(chunk);
  const parsed = parseTrackingFileLines(text, position.line);
  // parseTrackingFileLines counts bytes of the decoded text; invalid UTF-8 decodes to U+FFFD
  // (3 bytes), so then the offset comes from the raw bytes (the position after the last line break).
  const consumed = text.includes('\uFFFD') ? (parsed.partialLine === undefined ? chunk.length : chunk.lastIndexOf(0x0a) + 1) : parsed.consumedBytes;
  const offset = position.offset + consumed;
  if (position.offset === 0) {
    firstLine = firstLineHash(chunk.subarray(0, Math.min(FIRST_LINE_MAX_BYTES, chunk.length)), chunk.length);
  }
  const next: ReadPosition = { offset, line: parsed.nextLine };
  if (stat.ino !== undefined) next.ino = stat.ino;
  if (stat.birthtimeMs) next.birthtimeMs = stat.birthtimeMs;
  if (firstLine !== undefined) next.firstLine = firstLine;
  return {
    entries: parsed.entries,
    problems: [...parsed.malformed, ...parsed.warnings],
    position: next,
    consumed,
    ...(restarted !== undefined ? { restarted } : {}),
    partialLine: parsed.partialLine !== undefined,
  };
}

/**
 * Hash of the first complete line in `start` (the file's first bytes, of a file of `size` bytes);
 * a first line longer than FIRST_LINE_MAX_BYTES is hashed by its beginning. Undefined while the
 * first line is unfinished.
 */
export function firstLineHash(start: Uint8Array, size: number): string | undefined {
  const newline = start.indexOf(0x0a);
  let line: Uint8Array;
  if (newline >= 0) {
    line = start.subarray(0, newline);
  } else if (size > FIRST_LINE_MAX_BYTES && start.length >= FIRST_LINE_MAX_BYTES) {
    line = start.subarray(0, FIRST_LINE_MAX_BYTES);
  } else {
    return undefined;
  }
  return createHash('sha256').update(line).digest('hex').slice(0, 32);
}

/** A file on disk. */
export function nodeFileSource(path: string): TrackingFileSource {
  return {
    async stat() {
      try {
        const s = await fs.stat(path, { bigint: true });
        return { size: Number(s.size), ino: s.ino.toString(), birthtimeMs: Number(s.birthtimeMs) };
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

/** A stored position this reader can resume from: past the start only with something that identifies the file. */
function isPosition(value: unknown): value is ReadPosition {
  const p = value as ReadPosition | undefined;
  return (
    !!p &&
    typeof p === 'object' &&
    Number.isSafeInteger(p.offset) &&
    p.offset >= 0 &&
    (p.offset === 0 || typeof p.firstLine === 'string' || typeof p.head === 'string') &&
    Number.isSafeInteger(p.line) &&
    p.line >= 1 &&
    (p.ino === undefined || typeof p.ino === 'string') &&
    (p.birthtimeMs === undefined || typeof p.birthtimeMs === 'number') &&
    (p.firstLine === undefined || typeof p.firstLine === 'string') &&
    (p.head === undefined || typeof p.head === 'string')
  );
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
