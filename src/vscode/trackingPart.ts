// Entry of dist/tracking.js: turning text into tracked sessions (id extraction, the tracking-file
// reader, trackIds) and the tidy-up offer for what a test run left through the tracking file. Loaded
// through loadTrackingPart.ts when the workspace has a tracking file (its first read, which also
// decides whether anything is new), a test run added sessions, the API's trackSessions is called,
// or a tracking command runs.
export { importAppended } from './trackingFileImport';
export { trackIds } from './tracking';
export { describeOffer, showOffer } from './tidyUpOffer';
export { runLabel } from './runLabel';
