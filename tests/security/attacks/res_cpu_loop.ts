// attack: an endless loop in TypeScript
// why: the warm V8 runtime must stop it at the CPU limit (TerminateExecution) and keep its output
// limits: run_cpu_time=500 run_timeout=3000
// expect: status=TO
// stdout: SPINNING
console.log('SPINNING');
let n: number = 0;
for (;;) { n++; }
