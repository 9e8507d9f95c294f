// attack: process.stdout.write in a tight loop, 1 MiB at a time
// why: the warm runtime's writes must meet the same output cap (OL) as any process
// expect: status=OL
// stdout: zzzzzzzz
const chunk: string = 'z'.repeat(1 << 20);
for (;;) process.stdout.write(chunk);
