// attack: read host files from JavaScript: /etc/shadow, the server's keys, /proc/1/environ
// why: the warm V8 runtime has its own fs bindings; they must meet the same walls
// expect: status=OK
// stdout: DONE
// absent: ALLOWED
const fs = require('fs');
for (const p of ['/etc/shadow', '@KEYS_PATH@', '@CONFIG_PATH@', '/proc/1/environ', '/root/.bashrc',
                 '@FIXTURE_DIR@/secret.txt']) {
  try {
    const d = fs.readFileSync(p, 'utf8');
    console.log(d.length ? 'ALLOWED' : 'EMPTY', p, d.slice(0, 100));
  } catch (e) {
    console.log('BLOCKED', p, e.code || e.message);
  }
}
console.log('DONE');
