// core.js: the event loop of kiln's JavaScript runtime (timers, immediates,
// process.nextTick, queueMicrotask), EventEmitter, and Math.random.
//
// Every file of src/runtime/js/ (but vendor-entry.js) is one function
// expression, called once in the zygote with `k`: the natives of
// src/runtime/v8.cc (k.write, k.now, k.runMicrotasks, ...) and the place
// where the files leave what they share. v8.cc calls back k.tick, k.setup,
// k.transform, k.report, k.finish, k.warmZygote and k.warmChild.
//
// Built-ins are captured here, before any program runs, so that a program
// that replaces Array.prototype.push or Math.imul still gets working timers.
(function (k) {
  'use strict';
  const MathMax = Math.max;
  const MathImul = Math.imul;
  const ReflectApply = Reflect.apply;
  const ObjectDefineProperty = Object.defineProperty;
  const SymbolToPrimitive = Symbol.toPrimitive;
  const TIMEOUT_MAX = 2 ** 31 - 1;

  // ---- EventEmitter (the subset that programs use on stdin and readline)

  class EventEmitter {
    constructor() { EventEmitter.init(this); }
    static init(self) {
      if (!Object.prototype.hasOwnProperty.call(self, '_events')) {
        ObjectDefineProperty(self, '_events', { value: Object.create(null), writable: true, configurable: true });
      }
    }
    _add(name, fn, once, prepend) {
      if (typeof fn !== 'function') {
        throw new TypeError(`The "listener" argument must be of type function. Received ${typeof fn}`);
      }
      EventEmitter.init(this);
      if (this._events.newListener && name !== 'newListener') this.emit('newListener', name, fn);
      const list = this._events[name] || (this._events[name] = []);
      const entry = { fn, once };
      if (prepend) list.unshift(entry); else list.push(entry);
      if (typeof this._onListen === 'function') this._onListen(name);
      return this;
    }
    on(name, fn) { return this._add(name, fn, false, false); }
    addListener(name, fn) { return this._add(name, fn, false, false); }
    once(name, fn) { return this._add(name, fn, true, false); }
    prependListener(name, fn) { return this._add(name, fn, false, true); }
    prependOnceListener(name, fn) { return this._add(name, fn, true, true); }
    off(name, fn) { return this.removeListener(name, fn); }
    removeListener(name, fn) {
      const list = this._events && this._events[name];
      if (!list) return this;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i].fn === fn) { list.splice(i, 1); break; }
      }
      if (list.length === 0) delete this._events[name];
      return this;
    }
    removeAllListeners(name) {
      EventEmitter.init(this);
      if (name === undefined) this._events = Object.create(null); else delete this._events[name];
      return this;
    }
    emit(name, ...args) {
      const list = this._events && this._events[name];
      if (!list || list.length === 0) {
        if (name === 'error') throw args[0] instanceof Error ? args[0] : new Error(`Unhandled error. (${args[0]})`);
        return false;
      }
      const copy = list.slice();
      for (let i = 0; i < copy.length; i++) {
        if (copy[i].once) this.removeListener(name, copy[i].fn);
        ReflectApply(copy[i].fn, this, args);
      }
      return true;
    }
    listeners(name) { return ((this._events && this._events[name]) || []).map((e) => e.fn); }
    rawListeners(name) { return this.listeners(name); }
    listenerCount(name) { return ((this._events && this._events[name]) || []).length; }
    eventNames() { return this._events ? Reflect.ownKeys(this._events) : []; }
    setMaxListeners() { return this; }
    getMaxListeners() { return 10; }
  }
  EventEmitter.EventEmitter = EventEmitter;
  EventEmitter.defaultMaxListeners = 10;
  EventEmitter.once = (emitter, name) => new Promise((resolve, reject) => {
    emitter.once(name, (...args) => resolve(args));
    if (name !== 'error') emitter.once('error', reject);
  });
  k.EventEmitter = EventEmitter;

  // ---- timers: a binary heap of entries ordered by (when, seq); an entry
  // whose generation is no longer its timer's (cleared, refreshed) is skipped

  const heap = [];
  let seq = 0;
  let nextId = 1;
  let refed = 0; // live timers that keep the loop alive

  function less(a, b) { return a.when < b.when || (a.when === b.when && a.seq < b.seq); }
  function heapPush(e) {
    let i = heap.length;
    heap[i] = e;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i], heap[p])) break;
      const x = heap[i]; heap[i] = heap[p]; heap[p] = x;
      i = p;
    }
  }
  function heapPop() {
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l], heap[m])) m = l;
        if (r < heap.length && less(heap[r], heap[m])) m = r;
        if (m === i) break;
        const x = heap[i]; heap[i] = heap[m]; heap[m] = x;
        i = m;
      }
    }
    return top;
  }
  function stale(e) { return e.t._destroyed || e.gen !== e.t._gen; }

  const timersById = new Map();

  class Timeout {
    constructor(callback, delay, args, repeat) {
      delay = +delay;
      if (!(delay >= 1 && delay <= TIMEOUT_MAX)) delay = 1; // as Node: 0, NaN and huge become 1 ms
      this._idleTimeout = delay;
      this._onTimeout = callback;
      this._timerArgs = args;
      this._repeat = repeat ? delay : null;
      this._destroyed = false;
      ObjectDefineProperty(this, '_id', { value: nextId++ });
      ObjectDefineProperty(this, '_gen', { value: 0, writable: true });
      ObjectDefineProperty(this, '_refed', { value: true, writable: true });
      this._schedule();
      refed++;
      timersById.set(this._id, this);
    }
    _schedule() {
      heapPush({ t: this, when: k.now() + this._idleTimeout, seq: seq++, gen: ++this._gen });
    }
    ref() { if (!this._refed) { this._refed = true; if (!this._destroyed) refed++; } return this; }
    unref() { if (this._refed) { this._refed = false; if (!this._destroyed) refed--; } return this; }
    hasRef() { return this._refed; }
    refresh() { if (!this._destroyed) this._schedule(); return this; }
    close() { clearTimer(this); return this; }
    [SymbolToPrimitive]() { return this._id; }
  }

  function clearTimer(t) {
    if (t === null || t === undefined) return;
    if (typeof t !== 'object') t = timersById.get(+t);
    if (!(t instanceof Timeout) || t._destroyed) return;
    t._destroyed = true;
    if (t._refed) refed--;
    timersById.delete(t._id);
  }

  function checkCallback(cb) {
    if (typeof cb !== 'function') {
      const e = new TypeError(`The "callback" argument must be of type function. Received ${cb === null ? 'null' : typeof cb}`);
      e.code = 'ERR_INVALID_ARG_TYPE';
      throw e;
    }
  }
  function setTimeout(cb, delay, ...args) { checkCallback(cb); return new Timeout(cb, delay, args, false); }
  function setInterval(cb, delay, ...args) { checkCallback(cb); return new Timeout(cb, delay, args, true); }

  // ---- immediates, stdin events (k.io), nextTick

  let immediates = [];
  let io = [];
  class Immediate {
    constructor(cb, args) { this._onImmediate = cb; this._argv = args; this._destroyed = false; this._refed = true; }
    ref() { this._refed = true; return this; }
    unref() { this._refed = false; return this; }
    hasRef() { return this._refed; }
  }
  function setImmediate(cb, ...args) {
    checkCallback(cb);
    const im = new Immediate(cb, args);
    immediates.push(im);
    return im;
  }
  function clearImmediate(im) { if (im instanceof Immediate) im._destroyed = true; }
  // An I/O task of the runtime itself (stdin delivery): runs in the poll phase.
  k.queueIO = (fn) => { io.push(fn); };

  let ticks = [];
  function nextTick(cb, ...args) { checkCallback(cb); ticks.push(cb, args); }
  function queueMicrotask(cb) {
    checkCallback(cb);
    k.enqueueMicrotask(() => {
      try { cb(); } catch (e) { k.fatal(e); }
    });
  }

  // Node's order: the nextTick queue, then promise jobs, until both are empty.
  function drain() {
    do {
      while (ticks.length > 0) {
        const q = ticks;
        ticks = [];
        for (let i = 0; i < q.length; i += 2) ReflectApply(q[i], undefined, q[i + 1]);
      }
      k.runMicrotasks();
    } while (ticks.length > 0);
  }
  k.drain = drain;

  function runTimers() {
    const now = k.now();
    while (heap.length > 0 && heap[0].when <= now) {
      const e = heapPop();
      if (stale(e)) continue;
      const t = e.t;
      if (t._repeat === null) clearTimer(t);
      else t._schedule(); // before the call, so that the callback may clear it
      ReflectApply(t._onTimeout, t, t._timerArgs);
      drain();
    }
  }

  // One turn of the loop (called by v8.cc): ms until the next timer, 0 when
  // work is ready now, -1 when nothing keeps the program alive.
  k.tick = function tick() {
    drain();
    runTimers();
    if (io.length > 0) {
      const q = io;
      io = [];
      for (let i = 0; i < q.length; i++) { q[i](); drain(); }
    }
    if (immediates.length > 0) {
      const q = immediates;
      immediates = [];
      for (let i = 0; i < q.length; i++) {
        if (q[i]._destroyed) continue;
        ReflectApply(q[i]._onImmediate, q[i], q[i]._argv);
        drain();
      }
    }
    return nextWait();
  };
  function pendingWait() {
    if (io.length > 0 || ticks.length > 0) return 0;
    for (let i = 0; i < immediates.length; i++) {
      if (!immediates[i]._destroyed && immediates[i]._refed) return 0;
    }
    while (heap.length > 0 && stale(heap[0])) heapPop();
    if (refed > 0 && heap.length > 0) return MathMax(0, heap[0].when - k.now());
    return -1;
  }
  // Empty: process 'beforeExit' listeners may still schedule more work.
  function nextWait() {
    const wait = pendingWait();
    return wait < 0 && k.beforeExit && k.beforeExit() ? pendingWait() : wait;
  }

  // ---- Math.random: each child reseeds from getrandom (the zygote's state
  // is shared by every fork). xoshiro128**, 53 bits per double, like V8's.

  const seed = new Uint32Array(4);
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  function reseed() {
    do { k.getRandom(seed); } while ((seed[0] | seed[1] | seed[2] | seed[3]) === 0);
    s0 = seed[0] | 0; s1 = seed[1] | 0; s2 = seed[2] | 0; s3 = seed[3] | 0;
  }
  function next32() {
    const r = MathImul(rotl(MathImul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t;
    s3 = rotl(s3, 11);
    return r;
  }
  function rotl(x, n) { return (x << n) | (x >>> (32 - n)); }
  const random = {
    random() { return ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992; },
  }.random;
  ObjectDefineProperty(Math, 'random', { value: random, writable: true, configurable: true, enumerable: false });
  k.reseed = reseed;
  reseed();

  // ---- globals

  const globals = {
    setTimeout, setInterval, clearTimeout: clearTimer, clearInterval: clearTimer,
    setImmediate, clearImmediate, queueMicrotask,
  };
  for (const name of Object.keys(globals)) {
    ObjectDefineProperty(globalThis, name, { value: globals[name], writable: true, configurable: true, enumerable: true });
  }
  ObjectDefineProperty(globalThis, 'global', { value: globalThis, writable: true, configurable: true, enumerable: false });
  k.timers = { ...globals, Timeout, Immediate, nextTick };
  k.nextTick = nextTick;
})
