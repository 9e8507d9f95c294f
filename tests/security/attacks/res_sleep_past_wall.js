// attack: a timer set for a minute, then Atomics.wait blocking the main thread
// why: the warm JavaScript runtime must be stopped at the wall limit even while blocked
// limits: run_timeout=800
// expect: status=TO
// stdout: WAITING
// absent: WOKE-UP
console.log('WAITING');
setTimeout(() => console.log('WOKE-UP'), 60000);
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60000);
console.log('WOKE-UP');
