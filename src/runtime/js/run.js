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
    k.resetProcess();
    process.pid = k.getpid();
    const module = {
      id: '.', path: '/box', exports: {}, filename, loaded: false, children: [],
      paths: ['/box/node_modules', '/node_modules'],
    };
    const require = k.makeRequire(module);
    module.require = require;
    return [module.exports, require, module, filename, '/box'];
  };

  // sucrase takes every namespace for a type and drops it: one that holds
  // values would fail later with a puzzling ReferenceError.
  const NAMESPACE = /^[ \t]*(?:export[ \t]+)?(?:namespace|module)[ \t]+[A-Za-z_$][\w$.]*[ \t]*\{/gm;
  const VALUE_EXPORT = /\bexport\s+(?:const|let|var|function|class|enum|namespace|module|default|abstract|async|import)\b/;
  function valueNamespaceLine(source) {
    NAMESPACE.lastIndex = 0;
    let m;
    while ((m = NAMESPACE.exec(source)) !== null) {
      const open = m.index + m[0].length - 1;
      for (let j = open, depth = 0; j < source.length; j++) {
        const c = source.charCodeAt(j);
        if (c === 123) depth++;
        else if (c === 125 && --depth === 0) {
          if (VALUE_EXPORT.test(source.slice(open, j))) return source.slice(0, m.index).split('\n').length;
          break;
        }
      }
    }
    return 0;
  }

  k.transform = function (source, typescript) {
    const esm = ESM.test(source);
    if (typescript) {
      const line = valueNamespaceLine(source);
      if (line > 0) {
        throw syntaxError(new Error(`TypeScript namespaces that hold values are not supported: kiln strips types with sucrase, which drops namespaces; use an object or a module instead (${line}:${/[^ \t]/.exec(source.split(/\r\n|\n|\r/)[line - 1]).index})`), source, '/box/main.ts');
      }
    }
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
      // without frames (a SyntaxError of the program) inspect would bracket it
      const stack = safe(() => exc.stack, '');
      const text = typeof stack === 'string' && stack !== '' && !/\n\s+at /.test(stack)
        ? stack : safe(() => inspect(exc), safe(() => String(exc.stack), 'Error'));
      body = `${head ? '\n' : ''}${text}\n`;
    } else {
      body = `${typeof exc === 'string' ? exc : safe(() => inspect(exc), '[object]')}\n`;
      if (head) head = `\n${head}`;
    }
    k.write(2, head + body);
  };

  // Interpret mode's value: [util.inspect's text, JSON.stringify's text or
  // undefined when the value has none (undefined, a function, a BigInt, a
  // cycle)].
  k.formatValue = function (value) {
    const text = safe(() => inspect(value), '[uninspectable value]');
    const json = safe(() => JSON.stringify(value), undefined);
    return [text, typeof json === 'string' ? json : undefined];
  };

  // ---- warm-ups: run the paths of a request once, writing nothing

  // TypeScript of many shapes: sucrase's inline caches and optimized code
  // then cover most programs before any fork.
  const SAMPLE_TS = [`
import type { Shape } from './shapes';
import { readFileSync } from 'fs';
enum Color { Red, Green = 5, Blue }
const enum Dir { Up = 'UP', Down = 'DOWN' }
interface Point<T> { x: T; y?: T; readonly z: number }
type Pair<A, B = A> = [A, B] | { first: A; second: B };
abstract class Base { protected abstract area(): number; static count = 0; }
class Box<T extends object> extends Base implements Shape {
  private static readonly unit: number = 1;
  #secret = 1;
  declare tag2: string;
  constructor(private readonly w: number, public h: number, protected tag?: T) { super(); }
  area(): number { return this.w * this.h! * Box.unit; }
  get size(): number { return this.area(); }
  set size(v: number) { this.h = v; }
  async load<K extends keyof T>(key: K): Promise<T[K] | undefined> { return this.tag?.[key]; }
}
function first<T>(xs: readonly T[], fallback?: T): T | undefined { return xs[0] ?? fallback; }
const p: Point<number> = { x: 1, z: 2 };
let n = (p.y ?? 2) as number;
const m = <number>n;
for (const c of [Color.Red, Color.Green]) n += c;
const pair: Pair<string> = ['a', 'b'];
const { x, ...rest } = p;
const fn = async (a: number, b = 2, ...more: number[]): Promise<number> => a + b + more.length;
declare namespace NS { const v: number; }
namespace Types { export type Id = string; }
label: for (let i = 0; i < 2; i++) { if (i) break label; }
try { JSON.parse('{'); } catch (e: unknown) { console.error((e as Error).message); } finally { n++; }
console.log(\`n=\${n} \${pair[0]}\`, first<number>([n]), p satisfies Point<number>, /a+b/gi.test('aab'), Dir.Up, x, rest, m);
export default fn;
`, `
const lines: string[] = require('fs').readFileSync(0, 'utf8').trim().split('\n');
const [n, k] = lines[0].split(' ').map(Number);
const a: number[] = lines[1]?.split(' ').map((s: string): number => parseInt(s, 10)) ?? [];
const memo = new Map<number, bigint>();
function solve(i: number): bigint {
  if (i <= 1) return BigInt(i);
  if (memo.has(i)) return memo.get(i)!;
  const v = solve(i - 1) + solve(i - 2);
  memo.set(i, v);
  return v;
}
let best = -Infinity;
for (let i = 0; i < a.length; i++) { best = Math.max(best, a[i] * k); }
while (best > 1e9) best /= 2;
do { best--; } while (best > 0 && false);
switch (n % 3) { case 0: best += 1; break; default: best -= 1; }
console.log(solve(n).toString(), best, typeof a, a.length > 0 ? 'yes' : 'no');
`, `
type Handler = (line: string) => void;
interface Queue<T> { push(item: T): void; pop(): T | undefined; readonly length: number }
class Stack<T> implements Queue<T> {
  private items: T[] = [];
  push(item: T): void { this.items.push(item); }
  pop(): T | undefined { return this.items.pop(); }
  get length(): number { return this.items.length; }
}
const rl = require('readline').createInterface({ input: process.stdin });
const s = new Stack<string>();
const onLine: Handler = (line) => s.push(line);
rl.on('line', onLine);
rl.on('close', () => { console.log(s.length, [...Array(3).keys()].map((i) => i * 2)); });
`, "const who: string = 'world';\nconsole.log(`hello ${who}`);\n"];
  const SAMPLE_VALUES = () => [
    1, -0, 2.5, 10n, 'str', true, null, undefined, Symbol('s'), [1, 2, [3, 'x']], { a: [1, 2], b: { c: 'd' } },
    new Map([['a', 1]]), new Set([1, 2]), new Error('warm'), function named() {}, class A {}, new Date(0), /re/g,
    Array.from({ length: 30 }, (_, i) => i), new Uint8Array(3), k.Buffer.from('hi'), Promise.resolve(1),
    Object.create(null), [undefined, , 3], { 'a-b': 1, [Symbol('k')]: 2 }, new (class P { constructor() { this.x = 1; } })(),
  ];

  // Dates and Intl load ICU's data and the local time zone on first use:
  // tens of milliseconds that every child would pay again.
  function warmIntl() {
    const d = new Date(0);
    [String(d), d.toLocaleString(), d.toLocaleDateString(), d.toLocaleTimeString(),
      new Intl.DateTimeFormat().format(d), Intl.DateTimeFormat().resolvedOptions().timeZone,
      (1234.5).toLocaleString(), new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(1),
      'a'.localeCompare('b'), ['b', 'a'].sort(new Intl.Collator().compare), 'i'.toLocaleUpperCase(),
      'x\u0301'.normalize('NFC'), new Intl.PluralRules('en-US').select(1),
      new Intl.RelativeTimeFormat('en').format(1, 'day'), new Intl.ListFormat('en').format(['a', 'b']),
      (12345.678).toFixed(2), Number('1e3'), parseFloat('3.5')].join();
  }

  k.warmZygote = function () {
    warmIntl();
    const values = SAMPLE_VALUES();
    for (let round = 0; round < 50; round++) {
      for (const v of values) inspect(v);
      k.vendor.formatWithOptions({}, '%s=%d %o %j %i %f %%', 'a', 1, { b: 2 }, [3], 4.5, 6.5, values);
      for (const ts of SAMPLE_TS) k.transform(ts, true);
      k.transform('import fs from "fs";\nexport const x = 1;\n', false);
      k.Buffer.from('warm up').toString();
      JSON.stringify(JSON.parse('{"a":[1,2,{"b":null}]}'));
    }
    try { k.transform('let x: = ;', true); } catch { /* the error path too */ }
  };

  // In each child, before its request (v8.cc then runs a throw-away program).
  k.warmChild = function () {
    k.reseed();
  };
})
