// Same-run baseline for catalog-read and gateway: a bare express hello-world in its own process, the ceiling for any express route here.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const express = require('express');
const app = express();
app.get('/hello', (_req, res) => res.json({ hello: 'world' }));
const server = app.listen(Number(process.env.PORT), '127.0.0.1', () => process.send?.('ready'));
process.on('SIGTERM', () => server.close());
