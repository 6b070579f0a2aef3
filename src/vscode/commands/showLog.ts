import type { Services } from '../services';

/** Resolves true once the Output panel shows the log (false if VS Code never showed it). */
export async function showLog(services: Services): Promise<boolean> {
  return services.log.show();
}
