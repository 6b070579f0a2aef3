import type { UserInput } from './userInput';

/** One question of a multi-step input. */
export interface InputStep<K extends string> {
  readonly id: K;
  readonly prompt: string;
  readonly placeholder?: string;
  /** The value offered the first time the step shows (later: what the user typed there). */
  readonly initial?: string;
  readonly password?: boolean;
  validate?(value: string): string | undefined;
}

/**
 * Asks the steps one after another in one input ("Title (2/4)", Back from the second step on): Back
 * returns to the previous step with what was typed there; dismissing any step cancels all of them.
 * Resolves to every step's value, or undefined when cancelled.
 */
export async function runSteps<K extends string>(ui: UserInput, title: string, steps: ReadonlyArray<InputStep<K>>): Promise<Record<K, string> | undefined> {
  const values: Partial<Record<K, string>> = {};
  let index = 0;
  while (index < steps.length) {
    const step = steps[index];
    const result = await ui.showInputStep({
      title,
      step: index + 1,
      totalSteps: steps.length,
      prompt: step.prompt,
      ...(step.placeholder !== undefined ? { placeholder: step.placeholder } : {}),
      value: values[step.id] ?? step.initial ?? '',
      ...(step.password ? { password: true } : {}),
      ...(step.validate ? { validate: (value: string) => step.validate?.(value) } : {}),
    });
    if (!result) {
      return undefined;
    }
    if (result.kind === 'back') {
      index = Math.max(0, index - 1);
      continue;
    }
    values[step.id] = result.value;
    index++;
  }
  return values as Record<K, string>;
}
