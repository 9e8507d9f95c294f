// attack: grow arrays of objects without end in JavaScript (64 MiB limit here)
// why: the V8 heap limit (3/4 of the run's memory) must stop it as ML, not crash the zygote
// limits: run_memory_limit=67108864
// expect: status=ML
// stdout: ALLOCATING
console.log('ALLOCATING');
const keep = [];
for (;;) keep.push(new Array(4096).fill({ a: keep.length }));
