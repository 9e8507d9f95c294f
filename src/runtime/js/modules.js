// modules.js: require() and the few Node modules kiln's javascript has
// (fs for stdin/stdout, readline, events, util, assert, buffer, timers, os,
// perf_hooks, process); anything else throws a clear error.
(function (k) {
  'use strict';
  const { EventEmitter, Buffer, process } = k;
  const ObjectFreeze = Object.freeze;

  function unavailable(what, code) {
    const e = new Error(`${what} is not available in kiln's javascript; use language node for the full Node.js`);
    e.code = code || 'ERR_KILN_UNAVAILABLE';
    return e;
  }
  k.unavailable = unavailable;

  // ---- fs: stdin, stdout and stderr only

  const STDIN = new Set([0, '/dev/stdin', '/proc/self/fd/0', '/dev/fd/0']);
  const STDOUT = new Set([1, '/dev/stdout', '/proc/self/fd/1', '/dev/fd/1']);
  const STDERR = new Set([2, '/dev/stderr', '/proc/self/fd/2', '/dev/fd/2']);
  let stdinBytes = null; // for readSync: the rest of stdin, taken once
  let stdinOff = 0;

  function encodingOf(options) {
    return typeof options === 'string' ? options : options && options.encoding ? options.encoding : null;
  }
  function outFd(file) {
    if (STDOUT.has(file)) return 1;
    if (STDERR.has(file)) return 2;
    return -1;
  }
  function readFileSync(file, options) {
    const enc = encodingOf(options);
    if (!STDIN.has(file)) throw unavailable(`fs.readFileSync(${k.inspect(file)}) (only stdin: 0 or '/dev/stdin')`, 'ENOENT');
    if (stdinBytes !== null) {
      const rest = stdinBytes.subarray(stdinOff);
      stdinOff = stdinBytes.length;
      return enc ? rest.toString(enc) : rest;
    }
    if (enc && k.normEncoding(enc) === 'utf8') return k.takeStdinText();
    const b = k.takeStdinBytes();
    return enc ? b.toString(enc) : b;
  }
  function writeSync(fd, data, a, b) {
    const target = outFd(fd);
    if (target < 0) throw unavailable(`fs.writeSync(${k.inspect(fd)}) (only 1 and 2)`, 'EBADF');
    if (typeof data === 'string') {
      const enc = typeof b === 'string' ? b : typeof a === 'string' ? a : null;
      const bytes = Buffer.from(data, enc || 'utf8');
      k.write(target, bytes);
      return bytes.length;
    }
    let view = data;
    if (typeof a === 'number' || typeof b === 'number') {
      const off = a | 0;
      view = data.subarray(off, b === undefined ? data.length : off + (b | 0));
    }
    k.write(target, view);
    return view.length;
  }
  function writeFileSync(file, data, options) {
    const fd = outFd(file);
    if (fd < 0) throw unavailable(`fs.writeFileSync(${k.inspect(file)}) (only stdout and stderr)`, 'EACCES');
    writeSync(fd, typeof data === 'string' ? data : data, encodingOf(options) || undefined);
  }
  function readSync(fd, buffer, offset, length) {
    if (!STDIN.has(fd)) throw unavailable(`fs.readSync(${k.inspect(fd)}) (only stdin)`, 'EBADF');
    if (offset && typeof offset === 'object') ({ offset, length } = offset);
    if (stdinBytes === null) { stdinBytes = k.takeStdinBytes(); stdinOff = 0; }
    offset = offset === undefined ? 0 : offset | 0;
    length = length === undefined ? buffer.length - offset : length | 0;
    const n = Math.max(0, Math.min(length, buffer.length - offset, stdinBytes.length - stdinOff));
    buffer.set(stdinBytes.subarray(stdinOff, stdinOff + n), offset);
    stdinOff += n;
    return n;
  }
  function fstatSync(fd) {
    if (!STDIN.has(fd) && outFd(fd) < 0) throw unavailable(`fs.fstatSync(${k.inspect(fd)})`, 'EBADF');
    const size = STDIN.has(fd) ? (stdinBytes === null ? (stdinBytes = k.takeStdinBytes()).length : stdinBytes.length) : 0;
    return { size, isFile: () => STDIN.has(fd), isFIFO: () => false, isDirectory: () => false, isCharacterDevice: () => false };
  }
  function callbackify(fn) {
    return (...args) => {
      const cb = args.pop();
      let r, err = null;
      try { r = fn(...args); } catch (e) { err = e; }
      k.nextTick(() => cb(err, r));
    };
  }
  const fs = {
    readFileSync, writeFileSync, writeSync, readSync, fstatSync,
    appendFileSync: writeFileSync,
    existsSync: (p) => STDIN.has(p) || outFd(p) >= 0,
    openSync(p) {
      if (STDIN.has(p)) return 0;
      if (outFd(p) >= 0) return outFd(p);
      throw unavailable(`fs.openSync(${k.inspect(p)})`, 'ENOENT');
    },
    closeSync() {},
    createReadStream(p) {
      if (STDIN.has(p)) return process.stdin;
      throw unavailable(`fs.createReadStream(${k.inspect(p)})`, 'ENOENT');
    },
    createWriteStream(p) {
      const fd = outFd(p);
      if (fd < 0) throw unavailable(`fs.createWriteStream(${k.inspect(p)})`, 'EACCES');
      return fd === 1 ? process.stdout : process.stderr;
    },
    readFile: callbackify(readFileSync),
    writeFile: callbackify(writeFileSync),
    constants: ObjectFreeze({ F_OK: 0, R_OK: 4, W_OK: 2, X_OK: 1 }),
  };
  fs.promises = {
    readFile: async (...a) => readFileSync(...a),
    writeFile: async (...a) => writeFileSync(...a),
  };

  // ---- readline: lines of stdin, one at a time

  class Interface extends EventEmitter {
    constructor(input, output, prompt) {
      super();
      this.input = input;
      this.output = output;
      this.terminal = false;
      this.line = '';
      this.closed = false;
      this._prompt = prompt === undefined ? '> ' : String(prompt);
      this._questions = [];
      this._asked = false;
      this._iter = null;
      if (input && (input === process.stdin || input instanceof k.ReadStream)) {
        k.queueIO(() => this._feed());
      }
    }
    _feed() {
      if (this.closed) return;
      const text = k.takeStdinText();
      process.stdin._end();
      const lines = text.split(/\r\n|\n|\r/);
      if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
      for (let i = 0; i < lines.length && !this.closed; i++) {
        this._line(lines[i]);
        // a question asked in a promise continuation gets the next line
        if (this._asked) k.drain();
      }
      this.close();
    }
    _line(line) {
      if (this._questions.length > 0) {
        const cb = this._questions.shift();
        cb(line);
      } else {
        this.emit('line', line);
      }
    }
    question(query, options, cb) {
      if (typeof options === 'function') cb = options;
      if (this.closed) {
        const e = new Error('readline was closed');
        e.code = 'ERR_USE_AFTER_CLOSE';
        throw e;
      }
      if (this.output && typeof this.output.write === 'function') this.output.write(String(query));
      this._asked = true;
      if (typeof cb === 'function') this._questions.push(cb);
    }
    close() {
      if (this.closed) return;
      this.closed = true;
      this.emit('close');
    }
    pause() { this.emit('pause'); return this; }
    resume() { this.emit('resume'); return this; }
    setPrompt(p) { this._prompt = String(p); }
    getPrompt() { return this._prompt; }
    prompt() { if (this.output && this.output.write) this.output.write(this._prompt); }
    write() {}
    getCursorPos() { return { rows: 0, cols: 0 }; }
    [Symbol.asyncIterator]() {
      if (this._iter) return this._iter;
      const queue = [];
      let head = 0;
      let done = this.closed;
      const waiters = [];
      this.on('line', (line) => {
        if (waiters.length > 0) waiters.shift()({ value: line, done: false });
        else queue.push(line);
      });
      this.on('close', () => {
        done = true;
        while (waiters.length > 0) waiters.shift()({ value: undefined, done: true });
      });
      const rl = this;
      this._iter = {
        next() {
          if (head < queue.length) {
            const value = queue[head++];
            if (head > 1024 && head * 2 > queue.length) { queue.splice(0, head); head = 0; }
            return Promise.resolve({ value, done: false });
          }
          if (done) return Promise.resolve({ value: undefined, done: true });
          return new Promise((resolve) => waiters.push(resolve));
        },
        return() { rl.close(); return Promise.resolve({ value: undefined, done: true }); },
        [Symbol.asyncIterator]() { return this; },
      };
      return this._iter;
    }
  }
  function interfaceArgs(a, b) {
    if (a && typeof a === 'object' && 'input' in a) return [a.input, a.output, a.prompt];
    return [a, b, undefined];
  }
  const cursor = { clearLine: () => true, clearScreenDown: () => true, cursorTo: () => true, moveCursor: () => true, emitKeypressEvents() {} };
  const readline = { Interface, createInterface: (a, b) => new Interface(...interfaceArgs(a, b)), ...cursor };
  class PromiseInterface extends Interface {
    question(query, options) {
      return new Promise((resolve) => Interface.prototype.question.call(this, query, options, resolve));
    }
  }
  const readlinePromises = { Interface: PromiseInterface, createInterface: (a, b) => new PromiseInterface(...interfaceArgs(a, b)) };
  readline.promises = readlinePromises;

  // ---- util and assert

  function isDeepEqual(a, b, strict, seen) {
    if (strict ? Object.is(a, b) : (a == b || (a !== a && b !== b))) return true; // eslint-disable-line eqeqeq
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
    if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
    const tag = Object.prototype.toString.call(a);
    if (tag !== Object.prototype.toString.call(b)) return false;
    if (a instanceof Date) return a.getTime() === b.getTime();
    if (a instanceof RegExp) return String(a) === String(b);
    if (ArrayBuffer.isView(a)) {
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
      return true;
    }
    seen = seen || new Map();
    if (seen.get(a) === b) return true;
    seen.set(a, b);
    if (a instanceof Map) {
      if (a.size !== b.size) return false;
      for (const [key, v] of a) if (!b.has(key) || !isDeepEqual(v, b.get(key), strict, seen)) return false;
      return true;
    }
    if (a instanceof Set) {
      if (a.size !== b.size) return false;
      outer: for (const v of a) {
        if (b.has(v)) continue;
        for (const w of b) if (isDeepEqual(v, w, strict, seen)) continue outer;
        return false;
      }
      return true;
    }
    const ka = Object.keys(a), kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    for (const key of ka) {
      if (!Object.prototype.hasOwnProperty.call(b, key) || !isDeepEqual(a[key], b[key], strict, seen)) return false;
    }
    return true;
  }

  class AssertionError extends Error {
    constructor(options) {
      super(options.message);
      this.name = 'AssertionError';
      this.code = 'ERR_ASSERTION';
      this.actual = options.actual;
      this.expected = options.expected;
      this.operator = options.operator;
      this.generatedMessage = !options.userMessage;
    }
  }
  function fail(actual, expected, message, operator, text) {
    if (message instanceof Error) throw message;
    throw new AssertionError({
      message: message !== undefined ? message : `${text}:\n\n${k.inspect(actual)} ${operator} ${k.inspect(expected)}\n`,
      actual, expected, operator, userMessage: message !== undefined,
    });
  }
  function ok(value, message) {
    if (!value) {
      throw new AssertionError({
        message: message !== undefined ? (message instanceof Error ? message.message : message)
          : 'The expression evaluated to a falsy value',
        actual: value, expected: true, operator: '==', userMessage: message !== undefined,
      });
    }
  }
  const assert = Object.assign((v, m) => ok(v, m), {
    ok, AssertionError,
    fail(message = 'Failed') { throw new AssertionError({ message, operator: 'fail', userMessage: true }); },
    equal: (a, b, m) => { if (!(a == b || (a !== a && b !== b))) fail(a, b, m, '==', 'Expected values to be loosely equal'); }, // eslint-disable-line eqeqeq
    notEqual: (a, b, m) => { if (a == b) fail(a, b, m, '!=', 'Expected "actual" to be loosely unequal to'); }, // eslint-disable-line eqeqeq
    strictEqual: (a, b, m) => { if (!Object.is(a, b)) fail(a, b, m, '!==', 'Expected values to be strictly equal'); },
    notStrictEqual: (a, b, m) => { if (Object.is(a, b)) fail(a, b, m, '===', 'Expected "actual" to be strictly unequal to'); },
    deepEqual: (a, b, m) => { if (!isDeepEqual(a, b, false)) fail(a, b, m, 'deepEqual', 'Expected values to be loosely deep-equal'); },
    deepStrictEqual: (a, b, m) => { if (!isDeepEqual(a, b, true)) fail(a, b, m, 'deepStrictEqual', 'Expected values to be strictly deep-equal'); },
    notDeepStrictEqual: (a, b, m) => { if (isDeepEqual(a, b, true)) fail(a, b, m, 'notDeepStrictEqual', 'Expected "actual" not to be strictly deep-equal to'); },
    notDeepEqual: (a, b, m) => { if (isDeepEqual(a, b, false)) fail(a, b, m, 'notDeepEqual', 'Expected "actual" not to be loosely deep-equal to'); },
    match: (s, re, m) => { if (!re.test(s)) fail(s, re, m, 'match', 'The input did not match the regular expression'); },
    throws(fn, expected, message) {
      try { fn(); } catch (e) {
        if (typeof expected === 'function' && expected.prototype !== undefined && !(e instanceof expected)) throw e;
        if (expected instanceof RegExp && !expected.test(String(e && e.message !== undefined ? e.message : e))) throw e;
        return;
      }
      throw new AssertionError({ message: typeof expected === 'string' ? expected : message || 'Missing expected exception.', operator: 'throws' });
    },
    doesNotThrow(fn) { fn(); },
    async rejects(p, expected, message) {
      try { await (typeof p === 'function' ? p() : p); } catch (e) { return; }
      throw new AssertionError({ message: message || 'Missing expected rejection.', operator: 'rejects' });
    },
  });
  assert.strict = assert;

  const util = {
    inspect: k.inspect, format: k.format, formatWithOptions: k.vendor.formatWithOptions,
    isDeepStrictEqual: (a, b) => isDeepEqual(a, b, true),
    inherits(ctor, superCtor) {
      Object.defineProperty(ctor, 'super_', { value: superCtor, writable: true, configurable: true });
      Object.setPrototypeOf(ctor.prototype, superCtor.prototype);
    },
    promisify(fn) {
      return (...args) => new Promise((resolve, reject) => {
        fn(...args, (err, value) => (err ? reject(err) : resolve(value)));
      });
    },
    deprecate: (fn) => fn,
    debuglog: () => () => {},
    isArray: Array.isArray,
    types: {
      isPromise: (v) => v instanceof Promise,
      isDate: (v) => v instanceof Date,
      isRegExp: (v) => v instanceof RegExp,
      isMap: (v) => v instanceof Map,
      isSet: (v) => v instanceof Set,
      isTypedArray: (v) => ArrayBuffer.isView(v) && !(v instanceof DataView),
    },
    TextEncoder: globalThis.TextEncoder,
    TextDecoder: globalThis.TextDecoder,
  };
  util.inspect.custom = Symbol.for('nodejs.util.inspect.custom');
  util.promisify.custom = Symbol.for('nodejs.util.promisify.custom');

  // ---- the module table

  const sleep = (ms, value) => new Promise((resolve) => setTimeout(resolve, ms, value));
  const os = {
    EOL: '\n', platform: () => 'linux', type: () => 'Linux', arch: () => 'x64', release: () => '',
    hostname: () => 'kiln', homedir: () => '/box', tmpdir: () => '/tmp', endianness: () => 'LE',
    cpus: () => [], totalmem: () => 0, freemem: () => 0, uptime: () => 0, loadavg: () => [0, 0, 0],
  };
  const BUILTINS = {
    fs: () => fs,
    'fs/promises': () => fs.promises,
    readline: () => readline,
    'readline/promises': () => readlinePromises,
    events: () => EventEmitter,
    util: () => util,
    assert: () => assert,
    'assert/strict': () => assert,
    buffer: () => ({ Buffer, constants: { MAX_LENGTH: 2 ** 32, MAX_STRING_LENGTH: 2 ** 29 - 24 } }),
    timers: () => k.timers,
    'timers/promises': () => ({ setTimeout: sleep, setImmediate: (v) => new Promise((r) => setImmediate(r, v)) }),
    perf_hooks: () => ({ performance: k.performance }),
    process: () => process,
    os: () => os,
  };
  k.BUILTINS = BUILTINS;

  k.makeRequire = function (module) {
    function require(name) {
      if (typeof name !== 'string') {
        const e = new TypeError(`The "id" argument must be of type string. Received ${k.inspect(name)}`);
        e.code = 'ERR_INVALID_ARG_TYPE';
        throw e;
      }
      const id = name.startsWith('node:') ? name.slice(5) : name;
      const make = Object.prototype.hasOwnProperty.call(BUILTINS, id) ? BUILTINS[id] : null;
      if (make) return make();
      const e = unavailable(`require('${name}')`, 'MODULE_NOT_FOUND');
      e.message = `Cannot find module '${name}': ${e.message}`;
      throw e;
    }
    require.main = module;
    require.cache = Object.create(null);
    require.resolve = (name) => {
      const id = name.startsWith('node:') ? name.slice(5) : name;
      if (Object.prototype.hasOwnProperty.call(BUILTINS, id)) return name;
      return require(name);
    };
    return require;
  };
})
