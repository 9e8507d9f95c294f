// attack: double a string until V8 gives up (the heap limit is 3/4 of 64 MiB here)
// why: huge strings must end as the run's memory limit, with the zygote untouched
// limits: run_memory_limit=67108864
// expect: status=ML
// stdout: GROWING
console.log('GROWING');
let s = 'x';
const keep = [];
for (;;) { s = s + s; keep.push(s.split('')); }
