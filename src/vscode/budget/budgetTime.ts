import { systemClock, type Clock } from '../../core/clock';
import { systemTimers, type Timers } from '../../core/timers';

/**
 * The budget's sense of time: the clock its windows are measured on and the timers the queue
 * sleeps on. Production uses the system's; tests put a ManualClock (the mock Veriff's own, so
 * both sides agree) and FakeTimers here and move time for both.
 */
export interface BudgetTime {
  readonly clock: Clock;
  readonly timers: Timers;
}

export const systemBudgetTime: BudgetTime = { clock: systemClock, timers: systemTimers };

/**
 * The budget's time now; `BudgetService.reload` swaps it (tests). The window's one SharedStore
 * reads its clock through `clock`, so its budget and queue files follow the swap.
 */
export class BudgetTimeSource {
  private current: BudgetTime;

  constructor(time: BudgetTime = systemBudgetTime) {
    this.current = time;
  }

  get time(): BudgetTime {
    return this.current;
  }

  get clock(): Clock {
    return this.current.clock;
  }

  swap(time: Partial<BudgetTime>): void {
    this.current = { ...this.current, ...time };
  }
}
