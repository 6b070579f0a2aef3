'use strict';
// Run by scripts/bench.cjs in a fresh Node process of its own, once per Node version measured: a
// signed DELETE round trip against the local Veriff server with the extension's client, then the
// same DELETE with openssl + curl spawned per request (the way it is done by hand). Prints JSON.
// A process of its own, so what the bench did before (packaging, loading, extension hosts) does
// not leave its heap and timers in the figure.
const { execFile, spawnSync } = require('node:child_process');
const { promisify } = require('node:util');
const { median } = require('./stats.cjs');
const { out, startVeriff } = require('./veriffSandbox.cjs');

const RUNS = Number(process.argv[2] ?? 30);
const WITH_CURL = process.argv[3] === 'curl';
const DAY_MS = 24 * 3_600_000;
const execFileAsync = promisify(execFile);

const CURL_SCRIPT = `
sig=$(printf %s "$ID" | openssl dgst -sha256 -hmac "$VERIFF_SHARED_SECRET" | sed 's/^.*= //')
curl -sS -o /dev/null -w '%{http_code}' -X DELETE \\
  -H 'Content-Type: application/json' -H "X-AUTH-CLIENT: $VERIFF_API_KEY" -H "X-HMAC-SIGNATURE: $sig" \\
  "$VERIFF_API_URL/v1/sessions/$ID"
`;


const hasCommand = (name) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;

async function main() {
  const { VeriffClient, closeAllDispatchers } = require(out('src', 'core', 'veriffClient.js'));
  const { clock, state, server, apiKey, sharedSecret } = await startVeriff();
  try {
    // A day later for each DELETE: Veriff's 5/h and 10/24 h never bite, every answer is a real 200.
    const fresh = () => {
      clock.advance(DAY_MS + 1);
      return state.createSession(apiKey).id;
    };
    const client = new VeriffClient({ apiUrl: server.url, apiKey, sharedSecret, clock, env: {} });
    const clientMs = [];
    let coldMs;
    for (let i = 0; i < RUNS + 1; i++) {
      const id = fresh();
      const t = performance.now();
      const outcome = await client.deleteSession(id);
      const elapsed = performance.now() - t;
      if (outcome.kind !== 'ok' || state.getSession(id)) throw new Error(`client DELETE failed: ${JSON.stringify(outcome)}`);
      if (i === 0) coldMs = elapsed; // loads undici and opens the connection
      else clientMs.push(elapsed);
    }
    await closeAllDispatchers();
    const result = { node: process.version, runs: RUNS, clientColdMs: coldMs, clientMedianMs: median(clientMs) };
    if (!WITH_CURL) return result;
    const missing = ['curl', 'openssl', 'sed'].filter((c) => !hasCommand(c));
    if (missing.length) {
      result.curlSkipped = `not installed: ${missing.join(', ')} (apt-get install -y curl openssl)`;
      return result;
    }
    const curlMs = [];
    for (let i = 0; i < RUNS; i++) {
      const id = fresh();
      const env = { ...process.env, ID: id, VERIFF_API_URL: server.url, VERIFF_API_KEY: apiKey, VERIFF_SHARED_SECRET: sharedSecret };
      const t = performance.now();
      const { stdout } = await execFileAsync('sh', ['-c', CURL_SCRIPT], { env });
      const elapsed = performance.now() - t;
      if (stdout.trim() !== '200' || state.getSession(id)) throw new Error(`curl DELETE answered ${stdout.trim()}`);
      curlMs.push(elapsed);
    }
    result.curlMedianMs = median(curlMs);
    result.curlVersion = spawnSync('curl', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
    return result;
  } finally {
    await server.close();
  }
}

main().then(
  (result) => process.stdout.write(JSON.stringify(result)),
  (err) => {
    process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
    process.exit(1);
  },
);
