// Child process: the simplest correct HTTP pass-through proxy, as the baseline the gateway is held to.
// It forwards method, path, headers and body to the upstream over keep-alive connections and pipes
// the response back. No parsing, no buffering.
//   node --import tsx bench/bare-proxy.ts http://127.0.0.1:PORT
import { Agent, createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { announce, shutdownOn } from './child-runtime.js';

const upstream = new URL(process.argv[2] ?? '');
if (upstream.protocol !== 'http:') throw new Error('usage: bare-proxy.ts http://127.0.0.1:PORT');

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

// Connection-scoped headers never travel past a proxy (RFC 9110 §7.6.1).
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

function endToEnd(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!hopByHop.has(name)) out[name] = value;
  return out;
}

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const upstreamReq = request(
    {
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      headers: { ...endToEnd(req.headers), host: upstream.host },
      agent,
    },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, endToEnd(upstreamRes.headers));
      upstreamRes.pipe(res);
    },
  );
  upstreamReq.on('error', () => {
    if (!res.headersSent) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"bare proxy: upstream failed"}}');
    } else res.destroy();
  });
  res.on('close', () => {
    if (!res.writableFinished) upstreamReq.destroy();
  });
  req.pipe(upstreamReq);
});

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

shutdownOn(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  agent.destroy();
});
announce(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
