import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HOUR_MS } from '../../src/core/budget';
import { ManualClock } from '../../src/core/clock';
import { BudgetMirror } from '../../src/core/store/budgetMirror';
import { SharedStore } from '../../src/core/store/sharedStore';

const KEY = 'a1b2c3d4e5f6';

/** Two windows = two stores (as two extension hosts have) on one folder, each with its mirror. */
describe('budget mirror: one window\'s copy of the shared budget and queue', () => {
  let dir: string;
  let clock: ManualClock;
  let stores: SharedStore[];
  const warnings: string[] = [];

  const window = (): { store: SharedStore; mirror: BudgetMirror } => {
    const store = new SharedStore(dir, { clock });
    stores.push(store);
    return { store, mirror: new BudgetMirror(store, clock, (m) => warnings.push(m)) };
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'veriff-mirror-'));
    clock = new ManualClock();
    stores = [];
  });

  afterEach(() => {
    stores.forEach((s) => s.dispose());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('two windows reserving at once get 5 slots between them, and both copies end up the same', async () => {
    const a = window();
    const b = window();
    const answers = await Promise.all(Array.from({ length: 6 }, () => [a.mirror.reserve(KEY), b.mirror.reserve(KEY)]).flat());
    assert.equal(answers.filter((r) => r.granted).length, 5);
    const refused = answers.find((r) => !r.granted);
    assert.ok(refused && !refused.granted && refused.nextFreeAt === clock.now() + HOUR_MS);
    a.mirror.adoptBudget(KEY);
    b.mirror.adoptBudget(KEY);
    assert.equal(a.mirror.ledger.remaining(KEY).hour, 0);
    assert.deepEqual(a.mirror.ledger.toJSON(), b.mirror.ledger.toJSON());
  });

  it('gives back a slot whose request never left, for every window', async () => {
    const a = window();
    const b = window();
    const r = await a.mirror.reserve(KEY);
    assert.ok(r.granted);
    await a.mirror.giveBack(KEY, r.spend.id);
    b.mirror.adoptBudget(KEY);
    assert.equal(b.mirror.ledger.remaining(KEY).hour, 5);
  });

  it('writes queue changes as operations by id: two windows changing the queue at once lose nothing', async () => {
    const a = window();
    const b = window();
    a.mirror.queue.enqueue([{ id: 'aaaaaaaa-0000-4000-8000-000000000001', integrationKey: KEY }]);
    b.mirror.queue.enqueue([{ id: 'bbbbbbbb-0000-4000-8000-000000000002', integrationKey: KEY }]);
    await Promise.all([a.mirror.flush(), b.mirror.flush()]);
    a.mirror.adoptQueue();
    b.mirror.adoptQueue();
    assert.deepEqual(a.mirror.queue.items().map((i) => i.id).sort(), ['aaaaaaaa-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000002']);
    // A removal in one window stays removed, even though the other window's copy still had it.
    a.mirror.queue.remove('bbbbbbbb-0000-4000-8000-000000000002');
    b.mirror.queue.update('aaaaaaaa-0000-4000-8000-000000000001', { attempts: 1 });
    await Promise.all([a.mirror.flush(), b.mirror.flush()]);
    const stored = new SharedStore(dir, { clock }).readQueue();
    assert.deepEqual(stored.items().map((i) => [i.id, i.attempts]), [['aaaaaaaa-0000-4000-8000-000000000001', 1]]);
    assert.deepEqual(warnings, []);
  });
});
