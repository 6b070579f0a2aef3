import type { SandboxFaultKind } from './faults';

/** One API request as the server saw and answered it. It holds the API key and signature as sent. */
export interface RequestLogEntry {
  /** Arrival time on the server's clock (epoch ms). */
  at: number;
  method: string;
  /** Path with query string, as sent. */
  path: string;
  apiKey?: string;
  signature?: string;
  body: string;
  /** HTTP status answered; 0 when the connection was dropped without an answer. */
  status: number;
  /** The `code` of the answered JSON body, when it has one. */
  code?: number | string;
  /** The fault that shaped this answer, if any. */
  fault?: SandboxFaultKind;
  /** Body bytes written for a `largeBody` fault before the answer ended or the client went away. */
  bytesSent?: number;
}

/** How many requests the log keeps (the oldest go first). */
export const MAX_LOGGED_REQUESTS = 5000;

/** The server's request log, bounded: a sandbox running for days must not grow without limit. */
export class RequestLog {
  private readonly entries: RequestLogEntry[] = [];

  constructor(private readonly max: number = MAX_LOGGED_REQUESTS) {}

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > this.max) {
      this.entries.splice(0, this.entries.length - this.max);
    }
  }

  /** Copies of the entries, oldest first. */
  list(): RequestLogEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  clear(): void {
    this.entries.length = 0;
  }
}
