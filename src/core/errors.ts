/**
 * Veriff error codes (see shared/veriff-api.md) in plain language: what happened, what to do,
 * and whether trying the same request again later can help.
 */
export interface ErrorExplanation {
  /** Short plain-language statement of what went wrong. */
  meaning: string;
  /** What the user should do about it. */
  fix: string;
  /** Whether sending the same request again later can succeed without the user changing anything. */
  retryable: boolean;
}

type Entry = ErrorExplanation;

const CREDENTIALS_FIX = 'Open "Veriff: Set API Credentials" and re-enter the API key and shared secret from the Veriff Customer Portal (Settings → API keys).';
const SECRET_FIX = `Re-enter the shared secret that belongs to this API key. ${CREDENTIALS_FIX}`;
const KEY_MISSING_FIX = `The API key is not set for this integration. ${CREDENTIALS_FIX}`;
const SESSION_ID_FIX = 'Check the session id: it must be a UUID such as aea9ba6d-1b47-47fc-a4fc-f72b6d3584a7.';
const REPORT_FIX = 'This is a bug in the extension or an API change; report it with the log.';
const TRY_LATER_FIX = 'Nothing to change here; try again later.';
const LEGACY_SIGNATURE: Entry = { meaning: 'Signature mismatch (legacy signature scheme).', fix: SECRET_FIX, retryable: false };

/** Codes whose meaning does not depend on the HTTP status. */
const BY_CODE: Readonly<Record<string, Entry>> = {
  '1001': {
    meaning: 'The id in the request is not 20–40 characters long.',
    fix: SESSION_ID_FIX,
    retryable: false,
  },
  '1002': {
    meaning: 'The id in the request is not a valid UUID v4.',
    fix: SESSION_ID_FIX,
    retryable: false,
  },
  '1003': {
    meaning: 'The id in the request has already been used; it must be unique.',
    fix: 'Send the request with a new id.',
    retryable: false,
  },
  '1004': {
    meaning: 'Too many requests: the delete budget (5 per hour, 10 per 24 hours per integration) is spent.',
    fix: 'Wait until the next slot frees; queued deletions continue by themselves.',
    retryable: true,
  },
  '1102': {
    meaning: 'Mandatory parameters are missing from the request.',
    fix: REPORT_FIX,
    retryable: false,
  },
  '1104': {
    meaning: 'The request includes invalid parameters.',
    fix: 'Check the values sent (vendor data, callback URL); if they look right, report it with the log.',
    retryable: false,
  },
  '1201': {
    meaning: 'Invalid timestamp: it must not be older than one hour.',
    fix: "Check this computer's clock and time zone, then try again.",
    retryable: false,
  },
  '1202': {
    meaning: 'The timestamp format is incorrect (expected ISO 8601 with a time zone).',
    fix: REPORT_FIX,
    retryable: false,
  },
  '1203': {
    meaning: 'A date is not a valid ISO 8601 date (YYYY-MM-DD).',
    fix: 'Correct the date sent with the session.',
    retryable: false,
  },
  '1301': {
    meaning: 'The requested feature is not enabled for this integration (session deletion, for one, is off until Veriff support turns it on).',
    fix: 'Ask Veriff support to enable the feature (e.g. session deletion) for this integration, or use another integration.',
    retryable: false,
  },
  '1302': {
    meaning: 'Only HTTPS callback (return) URLs are allowed.',
    fix: 'Use an https:// callback URL, or leave it empty.',
    retryable: false,
  },
  '1303': {
    meaning: 'Invalid session status in the request.',
    fix: 'Only "submitted" can be set through the API.',
    retryable: false,
  },
  '1304': {
    meaning: 'The session cannot move to the requested status from its current one.',
    fix: 'Refresh the session status; the change is only possible from created or started.',
    retryable: false,
  },
  '1305': {
    meaning: 'Session is not in a completed status: Veriff is still processing it (submitted or under review), so it cannot be deleted yet.',
    fix: 'Wait for the decision, then delete again (tidy-up queues it and retries by itself).',
    retryable: true,
  },
  '1306': {
    meaning: 'Session in progress: the end user is in the verification flow right now.',
    fix: 'Try again later, when the end user has finished or abandoned the flow.',
    retryable: true,
  },
  '1500': {
    meaning: 'vendorData is longer than 1000 characters.',
    fix: 'Shorten vendorData; Veriff wants only non-semantic data there (e.g. a UUID).',
    retryable: false,
  },
  '1501': {
    meaning: 'vendorData must be a string.',
    fix: 'Send vendorData as a string (e.g. a UUID), or leave it out.',
    retryable: false,
  },
  '1801': {
    meaning: 'The X-AUTH-CLIENT header (the API key) is missing.',
    fix: KEY_MISSING_FIX,
    retryable: false,
  },
  '1802': {
    meaning: 'The API key is not a valid UUID.',
    fix: `The API key was mistyped or is not an API key. ${CREDENTIALS_FIX}`,
    retryable: false,
  },
  '1803': {
    meaning: 'No integration exists for this API key (at this API URL).',
    fix: `Check the API key and the API URL of the integration; both are in the Veriff Customer Portal. ${CREDENTIALS_FIX}`,
    retryable: false,
  },
  '1804': {
    meaning: 'The integration for this API key is not active (it has been deactivated).',
    fix: 'Reactivate the integration in the Veriff Customer Portal or ask Veriff support, or use another integration.',
    retryable: false,
  },
  '1812': {
    meaning: 'Signature verification failed: the shared secret does not match this API key (or the signature is malformed).',
    fix: SECRET_FIX,
    retryable: false,
  },
  '1813': LEGACY_SIGNATURE,
  '1814': LEGACY_SIGNATURE,
  '1815': {
    meaning: 'Veriff could not authenticate the request.',
    fix: `Check the API key, the shared secret and the API URL. ${CREDENTIALS_FIX}`,
    retryable: false,
  },
  '1818': {
    meaning: 'Signature mismatch over the session id: the shared secret does not match this API key.',
    fix: SECRET_FIX,
    retryable: false,
  },
  '1819': {
    meaning: 'Signature mismatch over the request body: the shared secret does not match this API key.',
    fix: SECRET_FIX,
    retryable: false,
  },
};

/** 1101 is Veriff's catch-all code; its meaning depends on the HTTP status. */
const CODE_1101_BY_STATUS: Readonly<Record<number, Entry>> = {
  401: {
    meaning: 'The mandatory X-AUTH-CLIENT header (the API key) is missing or empty.',
    fix: KEY_MISSING_FIX,
    retryable: false,
  },
  404: {
    meaning: 'Resource not found: no such session for this integration, or it was already deleted.',
    fix: 'Stop tracking the session (it is gone), or check that it belongs to this integration.',
    retryable: false,
  },
  500: {
    meaning: 'Something went wrong on Veriff\u2019s side.',
    fix: TRY_LATER_FIX,
    retryable: true,
  },
};

/** Generic answers by HTTP status for codes that are missing or unknown. */
function byStatus(httpStatus: number): Entry {
  if (httpStatus === 400) {
    return {
      meaning: 'Veriff rejected the request as invalid.',
      fix: 'Check the log for Veriff\u2019s message; if the request looks right, report it.',
      retryable: false,
    };
  }
  if (httpStatus === 401) {
    return {
      meaning: 'Veriff did not accept the credentials.',
      fix: `Check the API key and shared secret. ${CREDENTIALS_FIX}`,
      retryable: false,
    };
  }
  if (httpStatus === 403) {
    return {
      meaning: 'Veriff refused the request: this operation is not enabled for the integration (session deletion is off by default).',
      fix: 'Ask Veriff support to enable session deletion for this integration.',
      retryable: false,
    };
  }
  if (httpStatus === 404) {
    return CODE_1101_BY_STATUS[404]!;
  }
  if (httpStatus === 408) {
    return { meaning: 'The request timed out on the way to Veriff.', fix: 'Try again later.', retryable: true };
  }
  if (httpStatus === 429) {
    return BY_CODE['1004']!;
  }
  if (httpStatus >= 500 && httpStatus <= 599) {
    return {
      meaning: `Veriff (or a gateway in front of it) failed with HTTP ${httpStatus}.`,
      fix: TRY_LATER_FIX,
      retryable: true,
    };
  }
  return {
    meaning: `Veriff answered with an unexpected HTTP ${httpStatus}.`,
    fix: 'Check the API URL of the integration and the log; report it if it persists.',
    retryable: httpStatus >= 500,
  };
}

/** The codes this table knows (1101 in its three meanings is listed once). */
export const KNOWN_VERIFF_CODES: readonly string[] = ['1101', ...Object.keys(BY_CODE)].sort();

/** Normalises a body `code` (string or number) to a trimmed string, or undefined when absent. */
export function normaliseCode(code: unknown): string | undefined {
  if (typeof code === 'number' && Number.isFinite(code)) {
    return String(Math.trunc(code));
  }
  if (typeof code === 'string' && code.trim() !== '') {
    return code.trim();
  }
  return undefined;
}

/**
 * Explains a Veriff error: by code first (1101 by HTTP status), otherwise by HTTP status.
 * `message` is Veriff's own text; it is only used when nothing better is known.
 */
export function explainVeriffError(httpStatus: number, code: string | number | undefined, message?: string): ErrorExplanation {
  const key = normaliseCode(code);
  if (key === '1101') {
    const entry = CODE_1101_BY_STATUS[httpStatus] ?? (httpStatus >= 500 ? CODE_1101_BY_STATUS[500] : undefined);
    if (entry) {
      return { ...entry };
    }
  } else if (key !== undefined) {
    const entry = BY_CODE[key];
    if (entry) {
      return { ...entry };
    }
  }
  const generic = byStatus(httpStatus);
  const unknownCode = key !== undefined && key !== '1101' ? ` (code ${key} is not one the extension knows)` : '';
  const said = message?.trim();
  if (said && httpStatus < 500 && httpStatus !== 404 && httpStatus !== 429) {
    return { ...generic, meaning: `${generic.meaning}${unknownCode} Veriff said: "${said}".` };
  }
  return { ...generic, meaning: `${generic.meaning}${unknownCode}` };
}
