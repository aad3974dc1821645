#!/usr/bin/env node
// Starts an in-memory MongoDB wire-protocol server (CongoDB from @push.rocks/smartmongo)
// on 127.0.0.1 and an OS-chosen port, for tests that have no real MongoDB.
//
// Prints one JSON line on stdout once listening: {"port":12345,"uri":"mongodb://127.0.0.1:12345"}
// Stops on SIGTERM, SIGINT, and when stdin closes, so it never outlives the process that spawned it.
// Usage: node scripts/congo-server.mjs [--port N] [--host 127.0.0.1]
import { format } from 'node:util';

// Dependencies of smartmongo log debug lines with console.log at import time; keep stdout for
// the one JSON line the parent reads by sending everything else to stderr.
console.log = (...args) => process.stderr.write(`${format(...args)}\n`);
console.info = console.log;
console.debug = console.log;
const { congodb } = await import('@push.rocks/smartmongo');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

const host = arg('--host', '127.0.0.1');
const requestedPort = Number(arg('--port', '0'));

const server = new congodb.CongoServer({ port: requestedPort, host });

let stopping = null;
function stop(exitCode) {
  if (!stopping) {
    stopping = server
      .stop()
      .catch((err) => {
        process.stderr.write(`congo-server: stop failed: ${err && err.message ? err.message : String(err)}\n`);
      })
      .finally(() => process.exit(exitCode));
  }
  return stopping;
}

process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
// The parent holds our stdin open; when it exits (even by SIGKILL) the pipe closes and we follow.
process.stdin.on('end', () => void stop(0));
process.stdin.on('close', () => void stop(0));
process.stdin.on('error', () => void stop(0));
process.stdin.resume();

try {
  await server.start();
} catch (err) {
  process.stderr.write(`congo-server: start failed: ${err && err.message ? err.message : String(err)}\n`);
  process.exit(1);
}

// CongoServer#port reports the requested port (0); ask the socket for the real one.
const address = server.server?.address?.();
const port = address && typeof address === 'object' ? address.port : server.port;
process.stdout.write(`${JSON.stringify({ port, uri: `mongodb://${host}:${port}` })}\n`);
