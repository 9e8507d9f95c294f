// attack: delete console, redefine globalThis properties non-configurable, replace queueMicrotask,
//   setTimeout and the Function constructor
// why: the warm runtime's own JavaScript (its console, its stdin reader) must not be reachable
//   by a later run through shared state
// then: javascript
// expect: status=OK
// stdout: TAMPERED
const out = console.log.bind(console);
Object.defineProperty(globalThis, 'setTimeout', { value: () => 0, configurable: false, writable: false });
globalThis.queueMicrotask = () => {};
Function.prototype.call = function () { return 'HIJACKED'; };
Object.defineProperty(Array.prototype, 'map', { get() { throw new Error('HIJACKED'); } });
out('TAMPERED');
delete globalThis.console;
