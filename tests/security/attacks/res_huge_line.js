// attack: one 16 MiB line with no line break, in a single console.log
// why: a line-based reader upstream would buffer it whole; the cap must cut it
// expect: status=OL
// stdout: xxxxxxxx
console.log('x'.repeat(16 << 20));
