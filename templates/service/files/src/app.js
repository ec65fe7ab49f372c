// The HTTP routes and their metrics: / (the service), /healthz (liveness: the
// process answers), /readyz (readiness: 503 while draining) and /metrics
// (Prometheus).
'use strict';

const client = require('prom-client');

const NAME = '{{ name }}';
const DESCRIPTION = {{ description | toJson }};
const ROUTES = new Set(['/', '/healthz', '/readyz', '/metrics']);
const UNMEASURED = new Set(['/healthz', '/readyz', '/metrics']);

function createApp() {
  const registry = new client.Registry();
  const requests = new client.Counter({
    name: 'http_requests_total',
    help: 'HTTP requests served, by method, route and status code.',
    labelNames: ['method', 'path', 'code'],
    registers: [registry],
  });
  // 1 ms to about 16 s.
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route.',
    labelNames: ['method', 'path'],
    buckets: client.exponentialBuckets(0.001, 2, 15),
    registers: [registry],
  });
  let ready = true;

  async function respond(route, res) {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    switch (route) {
      case '/':
        res.end(`${NAME}: ${DESCRIPTION}\n`);
        break;
      case '/healthz':
        res.end('ok\n');
        break;
      case '/readyz':
        res.statusCode = ready ? 200 : 503;
        res.end(ready ? 'ready\n' : 'draining\n');
        break;
      case '/metrics':
        res.setHeader('Content-Type', registry.contentType);
        res.end(await registry.metrics());
        break;
      default:
        res.statusCode = 404;
        res.end('not found\n');
    }
  }

  // Counts and times every request by route (never the raw URL, so random
  // URLs cannot create new series); probes and scrapes are not counted, so
  // they do not dilute the error rate and latency the gate judges.
  async function handler(req, res) {
    const started = process.hrtime.bigint();
    let route = 'unmatched';
    try {
      const path = new URL(req.url, 'http://localhost').pathname;
      route = ROUTES.has(path) ? path : 'unmatched';
      await respond(route, res);
    } catch (err) {
      res.statusCode = 500;
      res.end('internal error\n');
    }
    if (UNMEASURED.has(route)) {
      return;
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    duration.observe({ method: req.method, path: route }, seconds);
    requests.inc({ method: req.method, path: route, code: String(res.statusCode) });
  }

  return {
    handler,
    setReady(value) {
      ready = value;
    },
  };
}

module.exports = { createApp };
