// attack: grow typed arrays outside the V8 heap without end (64 MiB limit here)
// why: ArrayBuffers live outside V8's heap limit: only the cgroup bounds them
// limits: run_memory_limit=67108864
// expect: status=ML
// stdout: ALLOCATING
console.log('ALLOCATING');
const keep: Uint8Array[] = [];
for (;;) { const b = new Uint8Array(1 << 20); b.fill(1); keep.push(b); }
