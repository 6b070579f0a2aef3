import type { Services } from '../services';

export async function showLog(services: Services): Promise<void> {
  services.log.show();
}
