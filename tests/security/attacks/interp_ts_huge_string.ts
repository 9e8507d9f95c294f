// attack: 'x'.repeat at V8's maximum string length, then join a huge array
// why: the engine must refuse (RangeError) or stop the run at its memory limit, never crash
// limits: run_memory_limit=67108864
// expect: status=OK
// stdout: REFUSED
try {
  const s: string = 'x'.repeat(2 ** 30);
  console.log('MADE', s.length);
} catch (e: any) {
  console.log('REFUSED', e.constructor.name);
}
