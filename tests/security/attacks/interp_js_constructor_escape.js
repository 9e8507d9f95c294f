// attack: this.constructor.constructor('return process')() and friends, to reach Node's
//   process object, its bindings, and child_process
// why: the escape of vm2 and node's vm module (CVE-2023-29017 and others) starts here
// expect: status=OK
// stdout: DONE
// absent: ESCAPED
const P = this.constructor.constructor('return this')();
const proc = this.constructor.constructor('return typeof process === "undefined" ? null : process')();
const tries = [
  () => proc && proc.binding && proc.binding('spawn_sync'),
  () => proc && proc._linkedBinding && proc._linkedBinding('spawn_sync'),
  () => proc && proc.mainModule && proc.mainModule.require('child_process'),
  () => require('child_process'),
  () => Function('return require')()('child_process'),
  () => P.require && P.require('child_process'),
  () => { import('child_process').then(() => console.log('ESCAPED import'), () => {}); return null; },
];
for (const [i, t] of tries.entries()) {
  try {
    const r = t();
    if (r && typeof r === 'object' && (r.execSync || r.spawn)) console.log('ESCAPED', i);
    else console.log('nothing', i);
  } catch (e) {
    console.log('refused', i);
  }
}
console.log('DONE');
