/** The sessions view (package.json `views`). */
export const SESSIONS_VIEW_ID = 'veriff.sessions';
