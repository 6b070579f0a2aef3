import * as assert from 'node:assert/strict';
import { ManualClock } from '../../src/core/clock';
import { BudgetLedger, DAY_MS, HOUR_MS, type BudgetLedgerOptions } from '../../src/core/budget';

const MIN = 60_000;
const KEY = 'integration-hash-1';

describe('BudgetLedger', () => {
  let clock: ManualClock;
  let t0: number;
  let warnings: string[];

  const ledger = (state?: unknown, opts: BudgetLedgerOptions = {}): BudgetLedger =>
    new BudgetLedger(clock, state, { onWarning: (m) => warnings.push(m), ...opts });

  const spendAt = (l: BudgetLedger, times: number[]): void => {
    for (const t of times) {
      clock.set(t);
      l.recordSpend(KEY);
    }
  };

  beforeEach(() => {
    clock = new ManualClock();
    t0 = clock.now();
    warnings = [];
  });

  it('starts with the full budget and nothing to wait for', () => {
    const l = ledger();
    assert.deepEqual(l.remaining(KEY), { hour: 5, day: 10, hourLimit: 5, dayLimit: 10, available: 5 });
    assert.equal(l.canSpend(KEY), true);
    assert.equal(l.earliestSpendTime(KEY), t0);
    assert.deepEqual(warnings, []);
  });

  it('rolls the hour window: each slot comes back exactly one hour after its spend', () => {
    const l = ledger();
    spendAt(l, [t0, t0 + 10 * MIN, t0 + 20 * MIN, t0 + 30 * MIN, t0 + 40 * MIN]);
    assert.equal(l.canSpend(KEY), false);
    assert.equal(l.remaining(KEY).hour, 0);
    assert.equal(l.remaining(KEY).nextFreeAt, t0 + HOUR_MS);
    assert.equal(l.earliestSpendTime(KEY), t0 + HOUR_MS);

    clock.set(t0 + HOUR_MS - 1);
    assert.equal(l.canSpend(KEY), false);
    clock.set(t0 + HOUR_MS);
    assert.equal(l.canSpend(KEY), true);
    assert.equal(l.remaining(KEY).available, 1);
    clock.set(t0 + HOUR_MS + 10 * MIN);
    assert.equal(l.remaining(KEY).available, 2);
    assert.equal(l.remaining(KEY).day, 5);
  });

  it('rolls the day window: after 10 spends nothing is free until 24 h after the first five', () => {
    const l = ledger();
    spendAt(l, [t0, t0, t0, t0, t0, t0 + HOUR_MS, t0 + HOUR_MS, t0 + HOUR_MS, t0 + HOUR_MS, t0 + HOUR_MS]);
    clock.set(t0 + 2 * HOUR_MS);
    assert.deepEqual(l.remaining(KEY), { hour: 5, day: 0, hourLimit: 5, dayLimit: 10, available: 0, nextFreeAt: t0 + DAY_MS });
    clock.set(t0 + DAY_MS - 1);
    assert.equal(l.canSpend(KEY), false);
    clock.set(t0 + DAY_MS);
    assert.equal(l.remaining(KEY).available, 5);
    clock.set(t0 + DAY_MS + HOUR_MS);
    assert.equal(l.remaining(KEY).day, 10);
  });

  it('says when a slot next comes back while some are still left', () => {
    const l = ledger();
    spendAt(l, [t0, t0 + 5 * MIN]);
    clock.set(t0 + 10 * MIN);
    const r = l.remaining(KEY);
    assert.equal(r.available, 3);
    assert.equal(r.nextFreeAt, t0 + HOUR_MS);
  });

  it('schedules 23 deletes on a fresh ledger at the earliest times both windows allow', () => {
    const l = ledger();
    // By hand: 5 now and 5 an hour later use the day's 10; the day window frees them 24 h later.
    const expected = [
      ...Array(5).fill(t0),
      ...Array(5).fill(t0 + HOUR_MS),
      ...Array(5).fill(t0 + DAY_MS),
      ...Array(5).fill(t0 + DAY_MS + HOUR_MS),
      ...Array(3).fill(t0 + 2 * DAY_MS),
    ];
    assert.deepEqual(l.scheduleFor(KEY, 23), expected);
    assert.deepEqual(l.costOf(KEY, 23), { now: 5, later: 18, finishAt: t0 + 2 * DAY_MS });
    assert.deepEqual(l.costOf(KEY, 0), { now: 0, later: 0, finishAt: t0 });
    assert.deepEqual(l.remaining(KEY).available, 5, 'planning spends nothing');
  });

  it('schedules around earlier spends', () => {
    const l = ledger();
    spendAt(l, [t0 - 30 * MIN, t0 - 30 * MIN, t0 - 30 * MIN]);
    clock.set(t0);
    assert.deepEqual(l.scheduleFor(KEY, 4), [t0, t0, t0 + 30 * MIN, t0 + 30 * MIN]);
    assert.deepEqual(l.costOf(KEY, 4), { now: 2, later: 2, finishAt: t0 + 30 * MIN });
  });

  it('adds the slack to both windows when asked', () => {
    const l = ledger(undefined, { slackMs: 5000 });
    spendAt(l, [t0, t0, t0, t0, t0]);
    assert.equal(l.earliestSpendTime(KEY), t0 + HOUR_MS + 5000);
  });

  it('keeps integrations apart', () => {
    const l = ledger();
    spendAt(l, [t0, t0, t0, t0, t0]);
    assert.equal(l.canSpend(KEY), false);
    assert.equal(l.canSpend('other'), true);
    assert.equal(l.remaining('other').available, 5);
  });

  describe('429', () => {
    it('with Retry-After blocks until then, whatever our records say', () => {
      const l = ledger();
      l.recordSpend(KEY);
      const until = l.recordRateLimited(KEY, 2 * MIN);
      assert.equal(until, t0 + 2 * MIN);
      assert.equal(l.canSpend(KEY), false);
      assert.deepEqual(l.remaining(KEY), {
        hour: 4, day: 9, hourLimit: 5, dayLimit: 10, available: 0, nextFreeAt: t0 + 2 * MIN, blockedUntil: t0 + 2 * MIN,
      });
      clock.set(t0 + 2 * MIN - 1);
      assert.equal(l.canSpend(KEY), false);
      clock.set(t0 + 2 * MIN);
      assert.equal(l.canSpend(KEY), true);
      assert.equal(l.remaining(KEY).blockedUntil, undefined);
    });

    it('without Retry-After backs off 1, 2, 4, 8 minutes, and starts again at 1 after an answer', () => {
      const l = ledger();
      const blocks: number[] = [];
      for (let i = 0; i < 4; i++) {
        l.recordSpend(KEY);
        blocks.push(l.recordRateLimited(KEY) - clock.now());
        clock.set(l.earliestSpendTime(KEY));
      }
      assert.deepEqual(blocks, [1 * MIN, 2 * MIN, 4 * MIN, 8 * MIN]);
      l.recordAnswered(KEY);
      assert.equal(l.recordRateLimited(KEY) - clock.now(), 1 * MIN);
    });

    it('caps the backoff at one hour', () => {
      const l = ledger(undefined, { hourLimit: 1000, dayLimit: 1000 });
      const blocks: number[] = [];
      for (let i = 0; i < 9; i++) {
        l.recordSpend(KEY);
        blocks.push(l.recordRateLimited(KEY) - clock.now());
        clock.set(l.earliestSpendTime(KEY));
      }
      assert.deepEqual(blocks, [1, 2, 4, 8, 16, 32, 60, 60, 60].map((m) => m * MIN));
    });

    it('without Retry-After when our records are full waits for the windows and backs off beyond', () => {
      const l = ledger();
      spendAt(l, [t0, t0, t0, t0, t0]);
      assert.equal(l.recordRateLimited(KEY), t0 + HOUR_MS + 1 * MIN);
      assert.equal(l.earliestSpendTime(KEY), t0 + HOUR_MS + 1 * MIN);
    });

    it('never shortens an existing block', () => {
      const l = ledger();
      l.recordRateLimited(KEY, 30 * MIN);
      assert.equal(l.recordRateLimited(KEY, 5 * MIN), t0 + 30 * MIN);
    });
  });

  describe('clock jumps', () => {
    it('keeps counting spends for a full hour of real time when the clock is turned back', () => {
      const l = ledger();
      spendAt(l, [t0 + 2 * HOUR_MS, t0 + 2 * HOUR_MS, t0 + 2 * HOUR_MS, t0 + 2 * HOUR_MS, t0 + 2 * HOUR_MS]);
      clock.jump(t0); // two hours back, no time passes
      assert.equal(l.canSpend(KEY), false);
      assert.equal(l.remaining(KEY).hour, 0);
      assert.equal(l.earliestSpendTime(KEY), t0 + HOUR_MS);
      clock.advance(HOUR_MS - 1);
      assert.equal(l.canSpend(KEY), false);
      clock.advance(1);
      assert.equal(l.remaining(KEY).available, 5);
    });

    it('keeps the day window full too', () => {
      const l = ledger();
      const later = t0 + 30 * HOUR_MS;
      spendAt(l, [...Array(5).fill(later), ...Array(5).fill(later + HOUR_MS)]);
      clock.jump(t0);
      assert.equal(l.remaining(KEY).day, 0);
      clock.advance(DAY_MS - HOUR_MS - 1);
      assert.equal(l.canSpend(KEY), false);
      clock.advance(1);
      assert.equal(l.canSpend(KEY), true);
    });

    for (const [name, to] of [
      ['+25 h', (t: number) => t + 25 * HOUR_MS],
      ['-2 h', (t: number) => t - 2 * HOUR_MS],
      ['to the year 2000', () => Date.UTC(2000, 0, 1)],
    ] as const) {
      it(`gives no extra slot when the clock jumps ${name} and back, in memory and after a reload`, () => {
        const l = ledger();
        for (let i = 0; i < 5; i++) {
          assert.equal(l.reserve(KEY).granted, true);
          clock.advance(MIN);
        }
        const before = clock.now();
        clock.jump(to(before));
        assert.equal(l.reserve(KEY).granted, false, 'after the jump');
        const reloaded = ledger(JSON.parse(JSON.stringify(l.toJSON())));
        assert.equal(reloaded.reserve(KEY).granted, false, 'reloaded after the jump');
        clock.jump(before);
        assert.equal(l.reserve(KEY).granted, false, 'back');
        assert.equal(ledger(JSON.parse(JSON.stringify(l.toJSON()))).reserve(KEY).granted, false, 'reloaded back');
        clock.advance(HOUR_MS - 5 * MIN);
        assert.equal(l.reserve(KEY).granted, true, 'an hour of real time after the first spend');
      });
    }

    it('counts spends dated in the future in stored state (no monotonic time) until a window after their time, with a warning', () => {
      const state = { version: 1, integrations: { [KEY]: { spends: [1, 2, 3, 4, 5].map((i) => ({ id: `s${i}`, at: t0 + 5 * HOUR_MS })) } } };
      const l = ledger(state);
      assert.equal(l.canSpend(KEY), false);
      assert.equal(l.earliestSpendTime(KEY), t0 + 6 * HOUR_MS);
      assert.ok(warnings.some((w) => w.includes('in the future')), warnings.join('\n'));
    });

    it('keeps a 429 block for its real duration when the clock jumps forward', () => {
      const l = ledger();
      l.recordRateLimited(KEY, 10 * MIN);
      clock.jump(clock.now() + DAY_MS);
      assert.equal(l.canSpend(KEY), false);
      clock.advance(10 * MIN);
      assert.equal(l.canSpend(KEY), true);
    });
  });

  describe('reserve and give back', () => {
    it('checks and records in one step, refuses with the time the next slot frees, and gives a slot back', () => {
      const l = ledger();
      const granted = [1, 2, 3, 4, 5].map(() => l.reserve(KEY));
      assert.ok(granted.every((r) => r.granted));
      const refused = l.reserve(KEY);
      assert.deepEqual(refused, { granted: false, nextFreeAt: t0 + HOUR_MS });
      const last = granted[4];
      assert.ok(last.granted);
      assert.equal(l.giveBack(KEY, last.spend.id), true);
      assert.equal(l.giveBack(KEY, last.spend.id), false, 'only once');
      assert.equal(l.reserve(KEY).granted, true);
    });

    it('reads the clock once: a clock that ticks between readings cannot make a free slot look taken', () => {
      let t = t0;
      const ticking = { now: () => t++ };
      const l = new BudgetLedger(ticking);
      assert.equal(l.costOf(KEY, 1).now, 1);
      assert.equal(l.reserve(KEY).granted, true);
    });
  });

  describe('persistence', () => {
    it('round-trips through JSON without losing spends or blocks', () => {
      const l = ledger();
      spendAt(l, [t0, t0 + 10 * MIN, t0 + 20 * MIN]);
      l.recordRateLimited(KEY);
      const copy = ledger(JSON.parse(JSON.stringify(l)));
      assert.deepEqual(copy.remaining(KEY), l.remaining(KEY));
      assert.deepEqual(copy.scheduleFor(KEY, 12), l.scheduleFor(KEY, 12));
      assert.deepEqual(copy.toJSON(), l.toJSON());
      assert.equal(copy.recordRateLimited(KEY) - clock.now(), 2 * MIN, 'the 429 streak survives');
      assert.deepEqual(warnings, []);
    });

    it('prunes spends older than 24 hours', () => {
      const l = ledger();
      spendAt(l, [t0, t0 + HOUR_MS]);
      clock.set(t0 + DAY_MS);
      assert.equal(l.toJSON().integrations[KEY].spends.length, 1);
      clock.set(t0 + DAY_MS + HOUR_MS);
      assert.deepEqual(l.toJSON(), { version: 1, integrations: {} });
    });

    const garbage: Array<[string, unknown]> = [
      ['a string', 'garbage'],
      ['a number', 42],
      ['an array', [1, 2]],
      ['another version', { version: 2, integrations: {} }],
      ['integrations of the wrong type', { version: 1, integrations: 'x' }],
      ['spends of the wrong type', { version: 1, integrations: { [KEY]: { spends: 'nope' } } }],
      ['an integration that is not an object', { version: 1, integrations: { [KEY]: 7 } }],
    ];
    for (const [what, state] of garbage) {
      it(`discards ${what} with a warning and starts fresh`, () => {
        const l = ledger(state);
        assert.equal(l.remaining(KEY).available, 5);
        assert.equal(warnings.length, 1, warnings.join('\n'));
        assert.match(warnings[0], /^Delete budget state: unreadable/);
      });
    }

    it('counts spends with unreadable times (NaN, null, text) from now rather than dropping them', () => {
      const spends = [{ id: 'a', at: NaN }, { id: 'b', at: null }, { id: 'c', at: 'yesterday' }, 'junk', { at: Infinity }];
      const l = ledger({ version: 1, integrations: { [KEY]: { spends } } });
      assert.equal(l.remaining(KEY).hour, 0);
      assert.equal(l.earliestSpendTime(KEY), t0 + HOUR_MS);
      assert.ok(warnings.some((w) => w.includes('unreadable time counted from now: 5')), warnings.join('\n'));
    });

    it('sanitises blocks and streaks of the wrong type', () => {
      const l = ledger({
        version: 1,
        integrations: {
          a: { spends: [], blockedUntil: 'soon', rateLimitStreak: -3 },
          b: { spends: [], blockedUntil: t0 + 1000 * DAY_MS },
        },
      });
      assert.equal(l.canSpend('a'), true);
      assert.equal(l.remaining('b').blockedUntil, t0 + DAY_MS);
      assert.equal(warnings.length, 3, warnings.join('\n'));
      assert.equal(l.recordRateLimited('a') - t0, 1 * MIN, 'the bad streak was reset');
    });

    it('keeps a key named __proto__ as data', () => {
      const l = ledger(JSON.parse(`{"version":1,"integrations":{"__proto__":{"spends":[{"id":"x","at":${t0}}]}}}`));
      assert.equal(l.remaining('__proto__').hour, 4);
      const json = JSON.parse(JSON.stringify(l.toJSON()));
      assert.equal(Object.keys(json.integrations).includes('__proto__'), true);
    });
  });

  describe('merge', () => {
    it('unites two windows\' spends by id without counting shared ones twice', () => {
      const a = ledger();
      spendAt(a, [t0, t0 + MIN]);
      const b = ledger(JSON.parse(JSON.stringify(a)));
      clock.set(t0 + 2 * MIN);
      a.recordSpend(KEY);
      b.recordSpend(KEY);
      assert.equal(a.merge(JSON.parse(JSON.stringify(b))), true);
      assert.equal(a.remaining(KEY).hour, 1, '2 shared + 1 each');
      assert.equal(a.merge(JSON.parse(JSON.stringify(b))), false, 'merging again changes nothing');
      assert.equal(a.remaining(KEY).hour, 1);
      b.merge(a.toJSON());
      assert.deepEqual(b.toJSON(), a.toJSON());
    });

    it('takes the later block', () => {
      const a = ledger();
      const b = ledger();
      a.recordRateLimited(KEY, 5 * MIN);
      b.recordRateLimited(KEY, 20 * MIN);
      a.merge(b.toJSON());
      assert.equal(a.remaining(KEY).blockedUntil, t0 + 20 * MIN);
      b.merge(a.toJSON());
      assert.equal(b.remaining(KEY).blockedUntil, t0 + 20 * MIN);
    });

    it('ignores garbage with a warning', () => {
      const a = ledger();
      a.recordSpend(KEY);
      assert.equal(a.merge('garbage'), false);
      assert.equal(a.remaining(KEY).hour, 4);
      assert.equal(warnings.length, 1);
    });
  });

  it('tells listeners about spends, 429s and merges, not about reads', () => {
    const l = ledger();
    let changes = 0;
    const subscription = l.onDidChange(() => changes++);
    l.remaining(KEY);
    l.scheduleFor(KEY, 20);
    assert.equal(changes, 0);
    l.recordSpend(KEY);
    l.recordRateLimited(KEY);
    l.recordAnswered(KEY);
    assert.equal(changes, 3);
    subscription.dispose();
    l.recordSpend(KEY);
    assert.equal(changes, 3);
  });

  it('rejects limits that make no sense', () => {
    assert.throws(() => new BudgetLedger(clock, undefined, { hourLimit: 0 }), RangeError);
    assert.throws(() => new BudgetLedger(clock, undefined, { dayLimit: 2.5 }), RangeError);
    assert.throws(() => new BudgetLedger(clock, undefined, { slackMs: -1 }), RangeError);
  });
});
