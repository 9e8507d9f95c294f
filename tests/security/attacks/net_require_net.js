// attack: reach the network from JavaScript: require('net'), 'http', 'dgram', 'dns', fetch,
//   WebSocket, child_process
// why: the warm V8 runtime is not Node: none of these may exist, and none may half-work
// setup: tcp_listener
// expect: status=OK
// stdout: DONE
// absent: REACHED
for (const m of ['net', 'http', 'https', 'dgram', 'dns', 'child_process', 'worker_threads', 'cluster']) {
  try {
    const mod = require(m);
    console.log('REACHED module', m, typeof mod);
  } catch (e) {
    console.log('refused', m);
  }
}
for (const g of ['fetch', 'WebSocket', 'XMLHttpRequest', 'Deno', 'Bun']) {
  if (typeof globalThis[g] !== 'undefined') {
    try { globalThis[g]('http://127.0.0.1:@TCP_PORT@/'); console.log('REACHED', g); } catch (e) { console.log('refused', g); }
  }
}
console.log('DONE');
