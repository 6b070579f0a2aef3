'use strict';
// The local Veriff server the bench talks to: the real sandbox from out/ (tsc), on a manual clock.
const crypto = require('node:crypto');
const path = require('node:path');

const out = (...p) => path.join(__dirname, '..', '..', 'out', ...p);

async function startVeriff() {
  const { ManualClock } = require(out('src', 'core', 'clock.js'));
  const { SandboxState } = require(out('src', 'sandbox', 'sandboxState.js'));
  const { VeriffServer } = require(out('src', 'sandbox', 'veriffServer.js'));
  const clock = new ManualClock();
  const state = new SandboxState({ clock });
  const apiKey = crypto.randomUUID();
  const sharedSecret = crypto.randomBytes(24).toString('hex');
  state.addIntegration(apiKey, sharedSecret);
  const server = await VeriffServer.start({ state });
  return { clock, state, server, apiKey, sharedSecret };
}

module.exports = { out, startVeriff };
