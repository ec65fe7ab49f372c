// Serves the app on $PORT (default {{ port }}).
'use strict';

const http = require('node:http');
const { createApp } = require('./app');

const port = Number(process.env.PORT || {{ port }});

// One JSON log line on stdout (level, msg), the shape Loki and Grafana parse.
function log(level, msg) {
  process.stdout.write(`${JSON.stringify({ level, msg })}\n`);
}

const app = createApp();
const server = http.createServer((req, res) => {
  app.handler(req, res).catch((err) => {
    log('error', `request failed: ${err}`);
    if (!res.headersSent) {
      res.statusCode = 500;
    }
    res.end();
  });
});
server.listen(port, () => log('info', `listening on :${port}`));

function shutdown() {
  // Fail readiness first so the Service stops sending new requests, then drain.
  app.setReady(false);
  log('info', 'shutting down');
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(1), 20000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
