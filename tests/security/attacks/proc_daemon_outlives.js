// attack: keep the JavaScript event loop alive forever with timers and intervals after main ends
// why: the warm runtime must end the run at its wall limit, not hang a slot
// limits: run_timeout=800
// expect: status=TO
// stdout: STARTED
setInterval(() => {}, 50);
setTimeout(function again() { setTimeout(again, 10); }, 10);
console.log('STARTED');
