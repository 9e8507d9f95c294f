// attack: pollute Object.prototype, Array.prototype, String.prototype, JSON, Math, console and
//   the global object
// why: in a warm runtime a polluted prototype would change every later user's program
// then: javascript
// expect: status=OK
// stdout: POLLUTED
Object.prototype.polluted = 'YES';
Object.prototype.toString = () => 'HIJACKED';
Array.prototype.reduce = function () { return -1; };
Array.prototype.push = function () { throw new Error('HIJACKED'); };
String.prototype.trim = function () { return 'HIJACKED'; };
JSON.parse = () => ({ hijacked: true });
Math.random = () => 4;
globalThis.require = () => { throw new Error('HIJACKED'); };
const log = console.log;
console.log = (...a) => log('HIJACKED', ...a);
Object.freeze(Object.prototype);
log('POLLUTED');
