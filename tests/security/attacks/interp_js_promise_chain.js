// attack: an endless chain of promises (microtasks never let the event loop breathe)
// why: the CPU deadline must interrupt the microtask queue, not only the macrotask loop
// limits: run_cpu_time=500 run_timeout=3000
// expect: status=TO
// stdout: CHAINING
console.log('CHAINING');
const next = () => Promise.resolve().then(next);
next();
