// attack: pollute prototypes and globals from TypeScript, including process.argv and the fs module
// why: the TypeScript zygote is shared by every TypeScript run the same way
// then: typescript
// expect: status=OK
// stdout: POLLUTED
(Object.prototype as any).polluted = 'YES';
(Array.prototype as any).reduce = function (): number { return -1; };
(Array.prototype as any).keys = function () { return [][Symbol.iterator](); };
(String.prototype as any).trim = function (): string { return 'HIJACKED'; };
const fs = require('fs');
fs.readFileSync = (): string => 'HIJACKED';
(process as any).argv.push('HIJACKED');
const log = console.log;
console.log = (...a: unknown[]) => log('HIJACKED', ...a);
log('POLLUTED');
