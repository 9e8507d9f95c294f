// attack: reach the network from TypeScript: type-only imports that sucrase keeps, dynamic
//   require of 'net', 'http' and 'dns', and fetch
// why: the TypeScript transform must not load anything the JavaScript runtime refuses
// setup: tcp_listener
// expect: status=OK
// stdout: DONE
// absent: REACHED
for (const m of ['net', 'http', 'dns', 'tls', 'child_process']) {
  try {
    const mod: any = require(m);
    console.log('REACHED', m, typeof mod);
  } catch (e) {
    console.log('refused', m);
  }
}
const f: any = (globalThis as any).fetch;
if (typeof f === 'function') {
  try { f('http://127.0.0.1:@TCP_PORT@/'); console.log('REACHED fetch'); } catch (e) { console.log('refused fetch'); }
}
console.log('DONE');
