// attack: leave files in /tmp and /box from TypeScript and look for them in the next runs
// why: every warm child mounts fresh tmpfs; a later TypeScript run must find nothing
// repeat: 3
// expect: status=OK
// stdout: LEFT
// absent: FOUND-EARLIER
const fs = require('fs');
for (const d of ['/tmp', '/box', '/dev/shm']) {
  try {
    console.log('FOUND-EARLIER', d, fs.readFileSync(d + '/ts-persist-marker', 'utf8'));
  } catch (e) { /* none: as it must be */ }
}
for (const d of ['/tmp', '/box', '/dev/shm']) {
  try { fs.writeFileSync(d + '/ts-persist-marker', 'left by an earlier run'); } catch (e: any) { console.log('unwritable', d, e.code || e.message); }
}
console.log('LEFT');
