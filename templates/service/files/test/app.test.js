'use strict';

const assert = require('node:assert/strict');
const http = require('node:http');
const { test } = require('node:test');
const { createApp } = require('../src/app');

// Starts the app on a free port and returns a GET helper and a stopper.
async function start() {
  const app = createApp();
  const server = http.createServer(app.handler);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  const get = async (path) => {
    const res = await fetch(base + path);
    return { status: res.status, text: await res.text() };
  };
  return { app, get, stop: () => new Promise((resolve) => server.close(resolve)) };
}

test('health and readiness answer', async () => {
  const { app, get, stop } = await start();
  try {
    assert.equal((await get('/healthz')).status, 200);
    assert.equal((await get('/readyz')).status, 200);
    app.setReady(false);
    assert.equal((await get('/readyz')).status, 503);
    assert.equal((await get('/healthz')).status, 200);
  } finally {
    await stop();
  }
});

test('requests are counted and timed by route', async () => {
  const { get, stop } = await start();
  try {
    for (let i = 0; i < 3; i++) {
      assert.equal((await get('/')).status, 200);
    }
    assert.equal((await get('/no/such/page')).status, 404);
    assert.equal((await get('/healthz')).status, 200);
    await get('/metrics');
    const { status, text } = await get('/metrics');
    assert.equal(status, 200);
    assert.match(text, /http_requests_total\{method="GET",path="\/",code="200"\} 3/);
    assert.match(text, /http_requests_total\{method="GET",path="unmatched",code="404"\} 1/);
    assert.match(text, /http_request_duration_seconds_count\{method="GET",path="\/"\} 3/);
    // Probes and scrapes are not measured.
    assert.doesNotMatch(text, /path="\/(healthz|readyz|metrics)"/);
  } finally {
    await stop();
  }
});
