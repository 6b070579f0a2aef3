import { isLoopbackHost } from './apiUrl';

/**
 * Whether a created session's verification URL may be opened in the browser: https, or plain http
 * on a loopback address (the local sandbox). Anything else (javascript:, file:, http to a remote
 * host) came from an answer we should not follow.
 */
export function isOpenableVerificationUrl(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return false;
  }
  if (url.username || url.password) {
    return false;
  }
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
}
