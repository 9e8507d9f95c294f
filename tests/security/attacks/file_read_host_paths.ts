// attack: read host files from TypeScript: the repository, root's shell files, the server's keys,
//   another process's command line
// why: the warm TypeScript runtime (sucrase then V8) reaches the file system the same way
// expect: status=OK
// stdout: DONE
// absent: ALLOWED
const fs = require('fs');
const paths: string[] = ['/work/main/README.md', '/root/.bashrc', '/root/.profile', '@KEYS_PATH@',
                         '/home', '/proc/1/cmdline', '/run/kiln', '/etc/shadow'];
for (const p of paths) {
  try {
    const d: string = fs.readFileSync(p, 'utf8');
    console.log(d.length ? 'ALLOWED' : 'EMPTY', p, d.slice(0, 80));
  } catch (e: any) {
    console.log('BLOCKED', p, e.code || e.message);
  }
}
console.log('DONE');
