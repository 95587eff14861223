// scratch only (not committed): fake upstream + control port
import { createServer } from 'node:http';
import { startFakeUpstream } from './fake-upstream.js';
const port = Number(process.argv[2] ?? 0);
const ctlPort = Number(process.argv[3] ?? 0);
const up = await startFakeUpstream({ port, apiKey: 'sk-upstream', ...(process.env.REPLY_LONG ? { reply: (r: any) => 'Long answer. '.repeat(Number(process.env.REPLY_LONG)) } : {}) });
createServer((req, res) => {
  let b = '';
  req.on('data', (c) => (b += c));
  req.on('end', () => {
    if (req.url === '/mode') { const { mode, times } = JSON.parse(b); up.setMode(mode, times ? { times } : undefined); res.end('ok\n'); }
    else if (req.url === '/reset') { up.reset(); res.end('ok\n'); }
    else if (req.url === '/requests') { res.end(JSON.stringify(up.requests.map((r) => ({ path: r.path, url: r.url, headers: r.headers, body: r.body })), null, 1)); }
    else if (req.url === '/summary') { res.end(up.requests.map((r) => `${r.method} ${r.url} ${r.rawBody.length}`).join('\n') + '\n'); }
    else res.end('?');
  });
}).listen(ctlPort, '127.0.0.1');
console.log(up.url);
