// node src/healthcheck.js: exit 0 when the local instance answers /healthz
// with 200, for the container's HEALTHCHECK (the image has no shell or curl).
'use strict';

const http = require('node:http');

const port = Number(process.env.PORT || {{ port }});
const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy());
req.on('error', () => process.exit(1));
