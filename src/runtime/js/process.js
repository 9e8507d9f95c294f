// process.js: the `process` object (argv, env, exit, stdin, stdout,
// stderr, hrtime, ...) and `console`, formatted by Node's own util.inspect
// and util.format (node-inspect-extracted, from vendor.js).
(function (k) {
  'use strict';
  const ObjectDefineProperty = Object.defineProperty;
  const { EventEmitter, Buffer } = k;
  const vendor = globalThis.__kilnVendor;
  delete globalThis.__kilnVendor;
  const { inspect, format, formatWithOptions } = vendor;
  k.vendor = vendor;
  k.inspect = inspect;
  k.format = format;
  // The extracted inspect looks up a global URL (for `instanceof URL`) on
  // first use and keeps it; V8 has none, so it gets a private class.
  globalThis.URL = class URL {};
  try {
    inspect([{}, { href: '' }, new Error('e'), function f() {}, [1], new Map([[1, 2]]), /x/, new Date(0),
      Object.create(null), new Uint8Array(1), Promise.resolve(), new (class C {})(), 1n, Symbol('s')]);
  } finally {
    delete globalThis.URL;
  }
  const CUSTOM = Symbol.for('nodejs.util.inspect.custom');

  // Promises: the extracted inspect cannot see a promise's state; k can.
  ObjectDefineProperty(Promise.prototype, CUSTOM, {
    value: function (depth, options, insp) {
      const st = k.promiseState(this);
      if (!st) return this;
      const name = this.constructor && this.constructor.name !== 'Promise' ? `${this.constructor.name} [Promise]` : 'Promise';
      let inner = '<pending>';
      if (st[0] !== 0) {
        const v = insp(st[1], { ...options, depth: options.depth === null ? null : options.depth - 1 });
        inner = st[0] === 2 ? `<rejected> ${v}` : v;
      }
      if (inner.includes('\n') || inner.length + name.length > 72) {
        return `${name} {\n  ${inner.split('\n').join('\n  ')}\n}`;
      }
      return `${name} { ${inner} }`;
    },
    writable: true, configurable: true, enumerable: false,
  });

  // ---- output streams

  class WriteStream extends EventEmitter {
    constructor(fd) {
      super();
      this.fd = fd;
      this.writable = true;
      this._isStdio = true;
    }
    write(chunk, enc, cb) {
      if (typeof enc === 'function') { cb = enc; enc = undefined; }
      if (typeof chunk === 'string') {
        if (enc && k.normEncoding(enc) !== 'utf8') chunk = Buffer.from(chunk, enc);
        k.write(this.fd, chunk);
      } else if (ArrayBuffer.isView(chunk)) {
        k.write(this.fd, chunk);
      } else {
        const e = new TypeError(`The "chunk" argument must be of type string or an instance of Buffer or Uint8Array. Received ${chunk === null ? 'null' : typeof chunk}`);
        e.code = 'ERR_INVALID_ARG_TYPE';
        throw e;
      }
      if (typeof cb === 'function') k.nextTick(cb, null);
      return true;
    }
    end(chunk, enc, cb) {
      if (typeof chunk === 'function') { cb = chunk; chunk = undefined; }
      if (chunk !== undefined && chunk !== null) this.write(chunk, enc);
      if (typeof cb === 'function') k.nextTick(cb);
      return this;
    }
    cork() {}
    uncork() {}
    setDefaultEncoding() { return this; }
    get isTTY() { return false; }
    get writableLength() { return 0; }
    get writableHighWaterMark() { return 16384; }
  }

  // ---- stdin: the request's bytes, delivered as one chunk once a program
  // starts reading (a 'data' or 'readable' listener, resume(), iteration)

  class ReadStream extends EventEmitter {
    constructor() {
      super();
      this.fd = 0;
      this.readable = true;
      this._encoding = null;
      this._flowing = null;
      this._scheduled = false;
      this._ended = false;
      this._pending = null; // a chunk taken by 'readable' mode, not yet read()
    }
    setEncoding(enc) { this._encoding = k.normEncoding(enc); return this; }
    _onListen(name) {
      if (name === 'data') this.resume();
      else if (name === 'readable') this._start('readable');
    }
    resume() { this._flowing = true; this._start('data'); return this; }
    pause() { this._flowing = false; return this; }
    isPaused() { return this._flowing === false; }
    unref() { return this; }
    ref() { return this; }
    destroy() { this._ended = true; return this; }
    pipe(dest) { this.on('data', (c) => dest.write(c)); return dest; }
    get isTTY() { return undefined; }
    _chunk() {
      if (this._encoding === 'utf8') return k.takeStdinText();
      const b = k.takeStdinBytes();
      return this._encoding ? b.toString(this._encoding) : b;
    }
    _start(mode) {
      if (this._scheduled || this._ended) return;
      this._scheduled = true;
      k.queueIO(() => {
        if (mode === 'readable') {
          const c = this._chunk();
          this._pending = c.length > 0 ? c : null;
          if (this._pending !== null) this.emit('readable');
          this._pending = null;
          this.emit('readable'); // read() now returns null: the end
        } else {
          const c = this._chunk();
          if (c.length > 0) this.emit('data', c);
        }
        this._end();
      });
    }
    _end() {
      if (this._ended) return;
      this._ended = true;
      this.readable = false;
      this.emit('end');
      this.emit('close');
    }
    read() {
      if (this._pending !== null) { const c = this._pending; this._pending = null; return c; }
      return null;
    }
    [Symbol.asyncIterator]() {
      let done = false;
      return {
        next: () => {
          if (done || this._ended) return Promise.resolve({ value: undefined, done: true });
          done = true;
          const c = this._chunk();
          this._ended = true;
          return Promise.resolve(c.length > 0 ? { value: c, done: false } : { value: undefined, done: true });
        },
        return: () => { done = true; return Promise.resolve({ value: undefined, done: true }); },
        [Symbol.asyncIterator]() { return this; },
      };
    }
  }
  k.takeStdinText = () => k.stdinTake(false);
  k.takeStdinBytes = () => k.toBuffer(new Uint8Array(k.stdinTake(true)));

  // ---- process

  const process = new EventEmitter();
  let startMs = k.now();
  let timeOrigin = Date.now();
  let exiting = false;
  let stdin = null;
  function hrtime(prev) {
    const ms = k.now();
    let sec = Math.floor(ms / 1e3);
    let ns = Math.round((ms - sec * 1e3) * 1e6);
    if (Array.isArray(prev)) {
      sec -= prev[0];
      ns -= prev[1];
      if (ns < 0) { sec--; ns += 1e9; }
    }
    return [sec, ns];
  }
  hrtime.bigint = () => BigInt(Math.round(k.now() * 1e6));
  Object.assign(process, {
    title: 'node', version: 'v18.20.4', versions: { node: '18.20.4', v8: k.v8Version, kiln: '1' },
    arch: 'x64', platform: 'linux', release: { name: 'kiln' }, execArgv: [], execPath: '/usr/bin/node',
    argv: ['node', '/box/main.js'], argv0: 'node', exitCode: undefined, pid: 1, ppid: 0,
    config: {}, features: {},
    hrtime, nextTick: k.nextTick,
    cwd: () => '/box', chdir() { throw new Error('process.chdir() is not available in kiln\'s javascript'); },
    umask: () => 0o22, uptime: () => (k.now() - startMs) / 1e3,
    getuid: () => 65534, getgid: () => 65534, geteuid: () => 65534, getegid: () => 65534,
    memoryUsage() {
      const h = k.heapStats();
      return { rss: h[0] + h[2], heapTotal: h[0], heapUsed: h[1], external: h[2], arrayBuffers: h[2] };
    },
    cpuUsage: () => ({ user: Math.round((k.now() - startMs) * 1e3), system: 0 }),
    emitWarning(w) { k.write(2, `(node:${process.pid}) ${w instanceof Error ? `${w.name}: ${w.message}` : `Warning: ${w}`}\n`); },
    exit(code) {
      if (code !== undefined) process.exitCode = code;
      code = process.exitCode === undefined ? 0 : process.exitCode | 0;
      if (!exiting) {
        exiting = true;
        process.emit('exit', code);
      }
      k.exit(code);
    },
    abort() { k.exit(134); },
    kill() { throw new Error('process.kill() is not available in kiln\'s javascript'); },
    binding() { throw new Error('process.binding() is not available in kiln\'s javascript'); },
  });
  process.memoryUsage.rss = () => process.memoryUsage().rss;
  // process.env is built on first use: most programs never read it.
  let env = null;
  ObjectDefineProperty(process, 'env', {
    get() { return env === null ? (env = k.env()) : env; },
    set(v) { env = v; },
    enumerable: true, configurable: true,
  });
  // Per run (k.setup): what a previous warm-up run may have left.
  k.resetProcess = function () {
    env = null;
    exiting = false;
    process.exitCode = undefined;
    startMs = k.now();
    timeOrigin = Date.now();
  };
  ObjectDefineProperty(process, 'stdout', { value: new WriteStream(1), enumerable: true, configurable: true });
  ObjectDefineProperty(process, 'stderr', { value: new WriteStream(2), enumerable: true, configurable: true });
  ObjectDefineProperty(process, 'stdin', {
    get() { return stdin || (stdin = new ReadStream()); }, enumerable: true, configurable: true,
  });
  process.openStdin = () => process.stdin.resume();
  ObjectDefineProperty(globalThis, 'process', { value: process, writable: true, configurable: true, enumerable: false });
  k.process = process;

  // 'beforeExit' may schedule more work; 'exit' runs once at the end.
  // Returns whether listeners ran.
  let inBeforeExit = false;
  k.beforeExit = function () {
    if (process.listenerCount('beforeExit') === 0 || inBeforeExit) return false;
    inBeforeExit = true;
    try {
      process.emit('beforeExit', process.exitCode === undefined ? 0 : process.exitCode);
      k.drain();
    } finally {
      inBeforeExit = false;
    }
    return true;
  };
  k.finish = function () {
    const code = process.exitCode === undefined ? 0 : process.exitCode | 0;
    if (!exiting) {
      exiting = true;
      process.emit('exit', code);
    }
    return process.exitCode === undefined ? code : process.exitCode | 0;
  };

  // ---- console

  const counts = new Map();
  const timers = new Map();
  let indent = '';
  function out(fd, args) {
    let s = formatWithOptions({}, ...args);
    if (indent) s = indent + s.split('\n').join('\n' + indent);
    k.write(fd, s + '\n');
  }
  const console = {
    log(...args) { out(1, args); },
    info(...args) { out(1, args); },
    debug(...args) { out(1, args); },
    error(...args) { out(2, args); },
    warn(...args) { out(2, args); },
    trace(...args) {
      const e = { name: 'Trace', message: format(...args) };
      Error.captureStackTrace(e, console.trace);
      out(2, [e.stack]);
    },
    dir(obj, options) { out(1, [inspect(obj, { customInspect: false, ...options })]); },
    dirxml(...args) { out(1, args); },
    table(...args) { out(1, args); },
    assert(ok, ...args) {
      if (!ok) out(2, args.length ? ['Assertion failed:', ...args] : ['Assertion failed']);
    },
    count(label = 'default') {
      const n = (counts.get(`${label}`) || 0) + 1;
      counts.set(`${label}`, n);
      out(1, [`${label}: ${n}`]);
    },
    countReset(label = 'default') { counts.delete(`${label}`); },
    group(...args) { if (args.length) out(1, args); indent += '  '; },
    groupCollapsed(...args) { console.group(...args); },
    groupEnd() { indent = indent.slice(0, Math.max(0, indent.length - 2)); },
    time(label = 'default') { timers.set(`${label}`, k.now()); },
    timeLog(label = 'default', ...args) { timePrint(`${label}`, false, args); },
    timeEnd(label = 'default') { timePrint(`${label}`, true, []); },
  };
  function timePrint(label, end, args) {
    const t = timers.get(label);
    if (t === undefined) {
      process.emitWarning(`No such label '${label}' for console.time${end ? 'End' : 'Log'}()`);
      return;
    }
    if (end) timers.delete(label);
    const ms = k.now() - t;
    const text = ms >= 1000 ? `${(ms / 1000).toFixed(3)}s` : `${ms.toFixed(3)}ms`;
    out(1, [`${label}: ${text}`, ...args]);
  }
  ObjectDefineProperty(globalThis, 'console', { value: console, writable: true, configurable: true, enumerable: false });

  const performance = {
    now: () => k.now() - startMs,
    get timeOrigin() { return timeOrigin; },
    mark() {}, measure() {},
    toJSON() { return { timeOrigin }; },
  };
  ObjectDefineProperty(globalThis, 'performance', { value: performance, writable: true, configurable: true, enumerable: false });
  k.performance = performance;
  k.ReadStream = ReadStream;
})
