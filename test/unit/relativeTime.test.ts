import * as assert from 'node:assert/strict';
import { ageText, clockText, dateTimeText, inText, intlLocale, pluralCategory, roughDuration, shortDuration } from '../../src/core/relativeTime';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const now = Date.UTC(2026, 0, 15, 12);
/** Intl separates some parts with a no-break space; compare with plain spaces. */
const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('relative times and durations in the display language (Intl)', () => {
  describe('ageText: how long ago, for rows', () => {
    it('en: "now" under a minute (and slightly in the future), then whole minutes, hours, days rounded down', () => {
      const age = (ms: number) => plain(ageText(now - ms, now, 'en'));
      assert.equal(age(0), 'now');
      assert.equal(age(59_999), 'now');
      assert.equal(age(-5000), 'now');
      assert.equal(age(MINUTE), '1 min. ago');
      assert.equal(age(5 * MINUTE + 59_000), '5 min. ago');
      assert.equal(age(HOUR), '1 hr. ago');
      assert.equal(age(DAY - 1), '23 hr. ago');
      assert.equal(age(2 * DAY), '2 days ago');
      assert.equal(age(400 * DAY), '400 days ago');
      assert.equal(ageText(Number.NaN, now, 'en'), '?');
    });

    it('de: the same moments in German', () => {
      const age = (ms: number) => plain(ageText(now - ms, now, 'de'));
      assert.equal(age(10_000), 'jetzt');
      assert.equal(age(5 * MINUTE), 'vor 5 Min.');
      assert.equal(age(3 * HOUR), 'vor 3 Std.');
      assert.equal(age(1 * DAY), 'vor 1 Tag');
      assert.equal(age(2 * DAY), 'vor 2 Tagen');
    });
  });

  describe('inText: when something will happen, never early', () => {
    it('en: minutes up to 90, then hours up to 36, then days, rounded up', () => {
      const within = (ms: number) => inText(now + ms, now, 'en');
      assert.equal(within(0), 'now');
      assert.equal(within(-1), 'now');
      assert.equal(within(1), 'in 1 minute');
      assert.equal(within(60 * MINUTE), 'in 60 minutes');
      assert.equal(within(61 * MINUTE - 1), 'in 61 minutes');
      assert.equal(within(2 * HOUR + 5 * MINUTE), 'in 3 hours');
      assert.equal(within(30 * HOUR), 'in 30 hours');
      assert.equal(within(2 * DAY), 'in 2 days');
    });

    it('de', () => {
      assert.equal(inText(now, now, 'de'), 'jetzt');
      assert.equal(inText(now + MINUTE, now, 'de'), 'in 1 Minute');
      assert.equal(inText(now + 42 * MINUTE, now, 'de'), 'in 42 Minuten');
      assert.equal(inText(now + 3 * HOUR, now, 'de'), 'in 3 Stunden');
      assert.equal(inText(now + 3 * DAY, now, 'de'), 'in 3 Tagen');
    });
  });

  it('roughDuration and shortDuration: plural forms come from the locale', () => {
    assert.equal(roughDuration(20 * MINUTE, 'en'), '20 minutes');
    assert.equal(roughDuration(HOUR, 'en'), '1 hour');
    assert.equal(roughDuration(2 * DAY, 'en'), '2 days');
    assert.equal(roughDuration(HOUR, 'de'), '1 Stunde');
    assert.equal(roughDuration(3 * HOUR, 'de'), '3 Stunden');
    assert.equal(roughDuration(DAY, 'de'), '1 Tag');
    assert.equal(roughDuration(2 * DAY, 'de'), '2 Tage');
    assert.equal(shortDuration(15 * MINUTE, 'en'), '15m');
    assert.equal(shortDuration(HOUR + 1, 'en'), '2h');
    assert.equal(shortDuration(DAY, 'en'), '1d');
    assert.equal(plain(shortDuration(15 * MINUTE, 'de')), '15 Min.');
  });

  it('clockText and dateTimeText: the locale\'s clock and date, the date only when it is another day', () => {
    const at = Date.UTC(2026, 0, 15, 14, 5);
    assert.equal(plain(clockText(at, now, 'en', 'UTC')), '02:05 PM');
    assert.equal(clockText(at, now, 'de', 'UTC'), '14:05');
    assert.equal(plain(clockText(at + DAY, now, 'en', 'UTC')), 'Jan 16 02:05 PM');
    assert.equal(clockText(at + DAY, now, 'de', 'UTC'), '16. Jan. 14:05');
    assert.equal(plain(dateTimeText(at, 'en', 'UTC')), 'Jan 15, 2026, 2:05 PM');
    assert.equal(dateTimeText(at, 'de', 'UTC'), '15.01.2026, 14:05');
  });

  it('pluralCategory picks the message form; a bad locale tag falls back to English', () => {
    assert.equal(pluralCategory(1, 'en'), 'one');
    assert.equal(pluralCategory(2, 'en'), 'other');
    assert.equal(pluralCategory(1, 'de'), 'one');
    assert.equal(pluralCategory(0, 'fr'), 'one', 'French counts 0 as singular');
    assert.equal(intlLocale('not a locale!'), 'en');
    assert.equal(inText(now + MINUTE, now, 'not a locale!'), 'in 1 minute');
    assert.equal(intlLocale('pt-br'), 'pt-BR');
  });
});
