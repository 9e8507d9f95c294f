// attack: an async function awaiting itself forever, and queueMicrotask flooding
// why: the same microtask starvation through async/await
// limits: run_cpu_time=500 run_timeout=3000
// expect: status=TO
// stdout: CHAINING
console.log('CHAINING');
async function again(n: number): Promise<number> { await null; return again(n + 1); }
again(0);
const flood = (): void => queueMicrotask(flood);
flood();
