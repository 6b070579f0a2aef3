// A second VS Code window's delete, in a process of its own: the real delete pipeline over the
// real shared store in the same global-storage folder, against the same Veriff. Run by the
// many-windows integration test; prints one JSON line with what each DELETE did.
import { DeletePipeline } from '../../src/core/deletePipeline';
import { SessionStore } from '../../src/core/store/sessionStore';
import { SharedStore } from '../../src/core/store/sharedStore';
import { VeriffClient } from '../../src/core/veriffClient';

interface Job {
  dir: string;
  url: string;
  apiKey: string;
  sharedSecret: string;
  key: string;
  ids: string[];
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as Job;
  const store = new SharedStore(job.dir);
  const pipeline = new DeletePipeline({
    budget: {
      reserve: async (key) => {
        const r = await store.reserveDelete(key);
        return r.ok ? { granted: true, spend: { id: r.spendId, at: r.at } } : { granted: false, nextFreeAt: r.nextFreeAt };
      },
      giveBack: async (key, id) => {
        await store.giveBack(key, id);
      },
      rateLimited: async (key, ms) => {
        await store.recordRateLimited(key, ms);
      },
      answered: (key) => store.recordAnswered(key),
    },
    sessions: new SessionStore(),
    log: { info: () => undefined, warn: () => undefined },
    clock: store.clock,
    describe: (f) => f.kind,
  });
  const client = new VeriffClient({ apiUrl: job.url, apiKey: job.apiKey, sharedSecret: job.sharedSecret });
  const target = { integrationId: 'window-2', integrationName: 'Window 2', key: job.key, client };
  const steps = await Promise.all(job.ids.map((id) => pipeline.send(target, id, { via: 'command' })));
  await client.close();
  store.dispose();
  process.stdout.write(`${JSON.stringify(steps.map((s) => (s.kind === 'sent' ? s.result.kind : s.reason)))}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
