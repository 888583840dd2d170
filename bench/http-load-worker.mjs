// Load generator for bench/cases.bench.ts, in its own thread so the clients' CPU is not the server's.
// Plain node:http over keep-alive sockets (lighter than fetch), a fixed number of requests in flight.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { requests, concurrency, expect } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function send(r) {
  return new Promise((resolve, reject) => {
    const req = http.request(r.url, { method: 'POST', headers: r.headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

const answers = new Array(requests.length);
let next = 0;
const t0 = performance.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < requests.length) {
      const i = next++;
      const { status, text } = await send(requests[i]);
      if (status !== expect) throw new Error(`request ${i}: HTTP ${status} ${text}`);
      answers[i] = text;
    }
  }),
);
agent.destroy();
parentPort.postMessage({ seconds: (performance.now() - t0) / 1000, answers });
