// run.js: the hooks v8.cc calls around one program: setup (argv, env, the
// CommonJS arguments), transform (sucrase), report (uncaught errors, laid
// out as Node prints them) and the warm-ups of the zygote and the child.
(function (k) {
  'use strict';
  const { process, inspect } = k;
  const transform = k.vendor.transform;
  // import/export statements: the program is an ES module; sucrase's
  // "imports" transform turns it into CommonJS (and makes it strict).
  const ESM = /^[ \t]*(?:import[\s{*'"]|import\s*\(|export[\s{*]|export\s+default\b)/m;

  k.setup = function (argv, typescript) {
    const filename = typescript ? '/box/main.ts' : '/box/main.js';
    process.argv = ['node', filename, ...argv];
    process.env = k.env();
    process.pid = k.getpid();
    const module = {
      id: '.', path: '/box', exports: {}, filename, loaded: false, children: [],
      paths: ['/box/node_modules', '/node_modules'],
    };
    const require = k.makeRequire(module);
    module.require = require;
    return [module.exports, require, module, filename, '/box'];
  };

  k.transform = function (source, typescript) {
    const esm = ESM.test(source);
    if (!typescript && !esm) return source;
    const transforms = typescript ? (esm ? ['typescript', 'imports'] : ['typescript']) : ['imports'];
    const filePath = typescript ? '/box/main.ts' : '/box/main.js';
    try {
      return transform(source, { transforms, filePath, disableESTransforms: true }).code;
    } catch (e) {
      throw syntaxError(e, source, filePath);
    }
  };

  // sucrase's "Unexpected token (3:7)" becomes Node's layout of a SyntaxError.
  function syntaxError(e, source, filePath) {
    const m = /\((\d+):(\d+)\)\s*$/.exec(String(e && e.message));
    const msg = String(e && e.message).replace(/^Error transforming [^:]*: /, '').replace(/\s*\(\d+:\d+\)\s*$/, '');
    const err = new SyntaxError(msg);
    let head = '';
    if (m) {
      const line = source.split(/\r\n|\n|\r/)[m[1] - 1];
      if (line !== undefined) head = `${filePath}:${m[1]}\n${line}\n${' '.repeat(+m[2])}^\n\n`;
    }
    err.stack = `SyntaxError: ${msg}`;
    err.kilnHead = head;
    return err;
  }

  function isError(v) {
    return v instanceof Error || (v !== null && typeof v === 'object' && typeof v.stack === 'string' && 'message' in v);
  }
  function safe(f, fallback) {
    try { return f(); } catch { return fallback; }
  }

  // Writes an uncaught exception to stderr the way Node does: where it was
  // thrown (when that is the program), the source line, a caret, the stack.
  k.report = function (exc, kind, resource, line, src) {
    let head = '';
    if (typeof resource === 'string' && resource.startsWith('/box/') && Array.isArray(src)) {
      const [text, start, end] = src;
      const pad = text.slice(0, start).replace(/[^\t]/g, ' ');
      head = `${resource}:${line}\n${text}\n${pad}${'^'.repeat(Math.max(1, end - start))}\n`;
    }
    if (exc && typeof exc === 'object' && typeof exc.kilnHead === 'string') {
      k.write(2, `${exc.kilnHead}${exc.stack}\n`);
      return;
    }
    let body;
    if (kind === 'rejection' && !isError(exc)) {
      const reason = safe(() => String(exc), '[object]');
      const e = new Error('This error originated either by throwing inside of an async function without a catch block, ' +
        `or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "${reason}".`);
      e.stack = `UnhandledPromiseRejection: ${e.message}`;
      e.name = 'UnhandledPromiseRejection';
      e.code = 'ERR_UNHANDLED_REJECTION';
      body = `${inspect(e)}\n`;
      head = '';
    } else if (isError(exc)) {
      body = `${head ? '\n' : ''}${safe(() => inspect(exc), safe(() => String(exc.stack), 'Error'))}\n`;
    } else {
      body = `${typeof exc === 'string' ? exc : safe(() => inspect(exc), '[object]')}\n`;
      if (head) head = `\n${head}`;
    }
    k.write(2, head + body);
  };

  // ---- warm-ups: run the paths of a request once, writing nothing

  const SAMPLE_TS = `
import type { Shape } from './shapes';
enum Color { Red, Green = 5 }
interface Point<T> { x: T; y?: T }
abstract class Base { protected abstract area(): number }
class Box<T> extends Base {
  constructor(private readonly w: number, public h: number, protected tag?: T) { super(); }
  area(): number { return this.w * this.h!; }
}
function first<T>(xs: T[]): T | undefined { return xs[0] as T; }
const p: Point<number> = { x: 1 };
let n = (p.y ?? 2) as number;
for (const c of [Color.Red, Color.Green]) n += c;
console.log(new Box<string>(2, 3).area(), first<number>([n]), p satisfies Point<number>);
`;
  const SAMPLE_VALUES = () => [
    1, -0, 2.5, 10n, 'str', true, null, undefined, Symbol('s'), [1, 2, [3, 'x']], { a: [1, 2], b: { c: 'd' } },
    new Map([['a', 1]]), new Set([1, 2]), new Error('warm'), function named() {}, class A {}, new Date(0), /re/g,
    Array.from({ length: 30 }, (_, i) => i), new Uint8Array(3), k.Buffer.from('hi'), Promise.resolve(1),
    Object.create(null), [undefined, , 3], { 'a-b': 1, [Symbol('k')]: 2 }, new (class P { constructor() { this.x = 1; } })(),
  ];

  k.warmZygote = function () {
    const values = SAMPLE_VALUES();
    for (let round = 0; round < 20; round++) {
      for (const v of values) inspect(v);
      k.vendor.formatWithOptions({}, '%s=%d %o %j %i %f %%', 'a', 1, { b: 2 }, [3], 4.5, 6.5, values);
      k.transform(SAMPLE_TS, true);
      k.transform('import fs from "fs";\nexport const x = 1;\n', false);
      k.Buffer.from('warm up').toString();
      JSON.stringify(JSON.parse('{"a":[1,2,{"b":null}]}'));
    }
    try { k.transform('let x: = ;', true); } catch { /* the error path too */ }
  };

  // In each child, before its request: reseed Math.random, and touch what a
  // request touches (copy-on-write faults now, not on the request's time).
  k.warmChild = function () {
    k.reseed();
    inspect({ a: [1, 2], s: 'x' });
    k.vendor.formatWithOptions({}, 'x', 4);
  };
})
