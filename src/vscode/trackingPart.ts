// Entry of dist/tracking.js: turning text into tracked sessions (id extraction, the tracking-file
// reader, trackIds). Loaded through loadTrackingPart.ts when a tracking file has something to read,
// the API's trackSessions is called, or a tracking command runs.
export { importAppended } from './trackingFileImport';
export { trackIds } from './tracking';
