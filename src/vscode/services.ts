import type { DeletePipeline } from '../core/deletePipeline';
import type { BaseServices } from './baseServices';
import type { BudgetService } from './budget/budgetService';
import type { DeleteQueueView } from './budget/queueView';
import type { BudgetStatusBar } from './budget/budgetStatusBar';
import type { SessionTreeProvider } from './sessionTree';

/** What the composition root builds once and hands to every command; `pipeline` and `sandbox` are built on first use. */
export interface Services extends BaseServices {
  /** The one path every DELETE takes (budget reservation → send → classify → record → log). */
  readonly pipeline: DeletePipeline;
  /** The delete budget and queue shared by all windows; tests swap its clock and timers with `reload`. */
  readonly budgetService: BudgetService;
  /** Read-only view of the delete queue (queued rows show their ETA). */
  readonly deleteQueue: DeleteQueueView;
  /** The budget's status-bar item; `snapshot()` for tests. */
  readonly budgetStatusBar: BudgetStatusBar;
  /** The sessions view's data. */
  readonly sessionTree: SessionTreeProvider;
}
