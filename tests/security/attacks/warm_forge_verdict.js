// attack: write a forged MSG_FAIL datagram ("jail setup failed") with fs.writeSync to every fd
//   from 3 up: the warm child's message socket to the engine is among them
// why: as warm_forge_verdict.py: a run must not be able to declare the sandbox broken; the
//   JavaScript runtime's fs must refuse every descriptor but 0, 1 and 2
// expect: status=OK
// stdout: AFTER-FORGE
// absent: WROTE-FD
const fs = require('fs');
const msg = new Uint8Array(8 + 164);
const dv = new DataView(msg.buffer);
dv.setUint32(0, 4, true);   // MSG_FAIL
dv.setUint32(4, 164, true);
dv.setInt32(8, 13, true);   // EACCES
msg.set(new TextEncoder().encode('forged by the program'), 12);
for (let fd = 3; fd < 64; fd++) {
  try {
    fs.writeSync(fd, msg);
    console.log('WROTE-FD', fd);
  } catch (e) { /* refused */ }
}
console.log('AFTER-FORGE');
