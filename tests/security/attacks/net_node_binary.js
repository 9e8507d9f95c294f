// attack: the exec'd node binary (language node) with its full standard library: TCP to a host
//   listener and to the server, and a DNS lookup
// why: unlike the warm runtime, node has real sockets; the jail's network must stop them
// lang: node
// then: javascript
// setup: tcp_listener
// limits: run_timeout=5000
// expect: status=OK
// stdout: tcp BLOCKED
// stdout: server BLOCKED
// absent: CONNECTED
const net = require('net');
let left = 2;
for (const [what, port] of [['tcp', @TCP_PORT@], ['server', @SERVER_PORT@]]) {
  const s = net.connect(port, '127.0.0.1');
  s.on('connect', () => { console.log(what, 'CONNECTED'); s.destroy(); if (--left === 0) process.exit(0); });
  s.on('error', (e) => { console.log(what, 'BLOCKED', e.code); if (--left === 0) process.exit(0); });
}
