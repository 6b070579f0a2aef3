import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { WorkerConfig } from './storeWorker';

const WORKER = path.join(__dirname, 'storeWorker.js');

/** Runs a store worker to its end; resolves with its JSON report (rejects on a non-zero exit). */
export function runWorker<R>(config: WorkerConfig): Promise<R> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`store worker exited with ${code}: ${err}`));
        return;
      }
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as R);
      } catch (e) {
        reject(new Error(`store worker printed no report: ${out} ${err} (${String(e)})`));
      }
    });
  });
}

/** Starts a worker that holds something (a lock, a lease) and waits; resolves once it says "ready". */
export function startHolder(config: WorkerConfig): Promise<{ child: ChildProcess; kill(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKER, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n')) {
        resolve({
          child,
          kill: async () => {
            child.kill('SIGKILL');
            await exited;
          },
        });
      } else if (out.includes('refused\n')) {
        child.kill('SIGKILL');
        reject(new Error('the holder was refused'));
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!out.includes('ready\n')) {
        reject(new Error(`holder exited with ${code} before it was ready: ${err}`));
      }
    });
  });
}
