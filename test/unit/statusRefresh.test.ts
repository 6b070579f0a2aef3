import * as assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import {
  AUTO_REFRESH_MAX_SESSIONS,
  AUTO_REFRESH_MIN_INTERVAL_MS,
  AUTO_REFRESH_STALE_MS,
  AutoRefreshThrottle,
  isStatusStale,
  selectForAutoRefresh,
} from '../../src/core/statusRefresh';
import type { SessionStatus } from '../../src/core/status';

const MINUTE = 60_000;
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

describe('status refresh rules', () => {
  it('isStatusStale: unknown or never fetched is stale; otherwise by age (a future fetch time is fresh)', () => {
    assert.equal(isStatusStale({ status: 'unknown', statusFetchedAt: NOW }, NOW, 5 * MINUTE), true);
    assert.equal(isStatusStale({ status: 'approved' }, NOW, 5 * MINUTE), true);
    assert.equal(isStatusStale({ status: 'approved', statusFetchedAt: NOW - 5 * MINUTE }, NOW, 5 * MINUTE), false);
    assert.equal(isStatusStale({ status: 'approved', statusFetchedAt: NOW - 5 * MINUTE - 1 }, NOW, 5 * MINUTE), true);
    assert.equal(isStatusStale({ status: 'approved', statusFetchedAt: NOW + MINUTE }, NOW, 5 * MINUTE), false);
  });

  it('selectForAutoRefresh: only stale, never gone, never-fetched first, then oldest fetch, capped', () => {
    const s = (id: string, status: SessionStatus, fetchedAgoMin?: number) => ({
      id,
      status,
      ...(fetchedAgoMin !== undefined ? { statusFetchedAt: NOW - fetchedAgoMin * MINUTE } : {}),
    });
    const sessions = [
      s('fresh', 'approved', 1),
      s('old', 'created', 30),
      s('never', 'unknown'),
      s('gone', 'gone', 60),
      s('older', 'started', 90),
      s('never2', 'unknown'),
    ];
    assert.deepEqual(
      selectForAutoRefresh(sessions, NOW).map((x) => x.id),
      ['never', 'never2', 'older', 'old'],
    );
    assert.deepEqual(
      selectForAutoRefresh(sessions, NOW, { max: 2 }).map((x) => x.id),
      ['never', 'never2'],
    );
    const many = Array.from({ length: 500 }, (_, i) => s(`s${i}`, 'unknown'));
    assert.equal(selectForAutoRefresh(many, NOW).length, AUTO_REFRESH_MAX_SESSIONS);
    assert.equal(AUTO_REFRESH_STALE_MS, 5 * MINUTE);
  });

  it('AutoRefreshThrottle: one at a time, at most once per minute from the previous start', () => {
    const clock = new ManualClock(NOW);
    const throttle = new AutoRefreshThrottle(clock);
    assert.equal(throttle.tryStart(), true);
    assert.equal(throttle.tryStart(), false, 'not while running');
    throttle.finished();
    clock.advance(AUTO_REFRESH_MIN_INTERVAL_MS - 1);
    assert.equal(throttle.tryStart(), false, 'not within a minute of the last start');
    assert.equal(throttle.nextAllowedAt(), NOW + AUTO_REFRESH_MIN_INTERVAL_MS);
    clock.advance(1);
    assert.equal(throttle.tryStart(), true);
    throttle.finished();
    clock.set(NOW - 10 * MINUTE);
    assert.equal(throttle.tryStart(), true, 'a clock set backwards does not block');
  });
});
