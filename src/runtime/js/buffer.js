// buffer.js: Buffer (the part programs use on stdin bytes), TextEncoder,
// TextDecoder (UTF-8), atob and btoa. UTF-8 conversion is native (k.utf8*).
(function (k) {
  'use strict';
  const ObjectDefineProperty = Object.defineProperty;
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const B64_INDEX = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) B64_INDEX[B64.charCodeAt(i)] = i;
  B64_INDEX[45] = 62; // base64url
  B64_INDEX[95] = 63;

  function normEncoding(enc) {
    if (enc === undefined || enc === null) return 'utf8';
    const e = String(enc).toLowerCase();
    switch (e) {
      case 'utf8': case 'utf-8': return 'utf8';
      case 'ascii': return 'ascii';
      case 'latin1': case 'binary': return 'latin1';
      case 'hex': return 'hex';
      case 'base64': return 'base64';
      case 'base64url': return 'base64url';
      case 'ucs2': case 'ucs-2': case 'utf16le': case 'utf-16le': return 'utf16le';
      default: {
        const err = new TypeError(`Unknown encoding: ${enc}`);
        err.code = 'ERR_UNKNOWN_ENCODING';
        throw err;
      }
    }
  }

  function base64Encode(bytes, url) {
    let out = '';
    let i = 0;
    for (; i + 2 < bytes.length; i += 3) {
      const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
      out += B64[n >> 18] + B64[(n >> 12) & 63] + B64[(n >> 6) & 63] + B64[n & 63];
    }
    if (i < bytes.length) {
      const n = (bytes[i] << 16) | ((i + 1 < bytes.length ? bytes[i + 1] : 0) << 8);
      out += B64[n >> 18] + B64[(n >> 12) & 63];
      out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : (url ? '' : '=');
      out += url ? '' : '=';
    }
    if (url) out = out.replace(/\+/g, '-').replace(/\//g, '_');
    return out;
  }
  function base64Decode(s) {
    const out = [];
    let acc = 0, bits = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const v = c < 128 ? B64_INDEX[c] : -1;
      if (v < 0) { if (c === 61) break; continue; } // '=' ends, other junk is skipped
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) { bits -= 8; out.push((acc >> bits) & 255); }
    }
    return out;
  }

  function bytesOf(string, enc) {
    switch (normEncoding(enc)) {
      case 'utf8': return new Uint8Array(k.utf8Encode(string));
      case 'ascii': case 'latin1': {
        const b = new Uint8Array(string.length);
        for (let i = 0; i < string.length; i++) b[i] = string.charCodeAt(i) & 255;
        return b;
      }
      case 'hex': {
        const n = string.length >> 1;
        const b = new Uint8Array(n);
        let i = 0;
        for (; i < n; i++) {
          const v = parseInt(string.substr(2 * i, 2), 16);
          if (Number.isNaN(v)) break;
          b[i] = v;
        }
        return b.subarray(0, i);
      }
      case 'base64': case 'base64url': return Uint8Array.from(base64Decode(string));
      case 'utf16le': {
        const b = new Uint8Array(string.length * 2);
        for (let i = 0; i < string.length; i++) {
          const c = string.charCodeAt(i);
          b[2 * i] = c & 255;
          b[2 * i + 1] = c >> 8;
        }
        return b;
      }
    }
    return new Uint8Array(0);
  }

  class Buffer extends Uint8Array {
    static from(value, encOrOffset, length) {
      if (typeof value === 'string') return toBuffer(bytesOf(value, encOrOffset));
      if (value instanceof ArrayBuffer) {
        const off = encOrOffset === undefined ? 0 : +encOrOffset;
        const len = length === undefined ? value.byteLength - off : +length;
        return new Buffer(value, off, len);
      }
      if (ArrayBuffer.isView(value)) {
        return toBuffer(new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice());
      }
      if (value && typeof value === 'object' && value.type === 'Buffer' && Array.isArray(value.data)) {
        return toBuffer(Uint8Array.from(value.data));
      }
      if (value && typeof value === 'object' && typeof value.length === 'number') {
        return toBuffer(Uint8Array.from(value));
      }
      throw new TypeError('The first argument must be of type string or an instance of Buffer, ArrayBuffer, or Array or an Array-like Object.');
    }
    static alloc(size, fill, enc) {
      const b = new Buffer(size);
      if (fill !== undefined && fill !== 0) b.fill(fill, 0, b.length, enc);
      return b;
    }
    static allocUnsafe(size) { return new Buffer(size); }
    static allocUnsafeSlow(size) { return new Buffer(size); }
    static isBuffer(b) { return b instanceof Buffer; }
    static isEncoding(enc) { try { normEncoding(enc); return typeof enc === 'string'; } catch { return false; } }
    static byteLength(s, enc) {
      if (typeof s !== 'string') return s.byteLength;
      return normEncoding(enc) === 'utf8' ? k.utf8Encode(s).byteLength : bytesOf(s, enc).length;
    }
    static concat(list, total) {
      if (total === undefined) { total = 0; for (const b of list) total += b.length; }
      const out = Buffer.alloc(total);
      let off = 0;
      for (const b of list) {
        if (off >= total) break;
        const n = Math.min(b.length, total - off);
        out.set(n === b.length ? b : b.subarray(0, n), off);
        off += n;
      }
      return out;
    }
    static compare(a, b) { return a.compare(b); }
    toString(enc, start, end) {
      start = start === undefined ? 0 : Math.max(0, start | 0);
      end = end === undefined ? this.length : Math.min(this.length, end | 0);
      if (end <= start) return '';
      const v = start === 0 && end === this.length ? this : this.subarray(start, end);
      switch (normEncoding(enc)) {
        case 'utf8': return k.utf8Decode(v);
        case 'ascii': { let s = ''; for (let i = 0; i < v.length; i++) s += String.fromCharCode(v[i] & 127); return s; }
        case 'latin1': { let s = ''; for (let i = 0; i < v.length; i++) s += String.fromCharCode(v[i]); return s; }
        case 'hex': { let s = ''; for (let i = 0; i < v.length; i++) s += (v[i] < 16 ? '0' : '') + v[i].toString(16); return s; }
        case 'base64': return base64Encode(v, false);
        case 'base64url': return base64Encode(v, true);
        case 'utf16le': {
          let s = '';
          for (let i = 0; i + 1 < v.length; i += 2) s += String.fromCharCode(v[i] | (v[i + 1] << 8));
          return s;
        }
      }
      return '';
    }
    toJSON() { return { type: 'Buffer', data: Array.from(this) }; }
    equals(other) { return this.compare(other) === 0; }
    compare(other) {
      const n = Math.min(this.length, other.length);
      for (let i = 0; i < n; i++) if (this[i] !== other[i]) return this[i] < other[i] ? -1 : 1;
      return this.length === other.length ? 0 : this.length < other.length ? -1 : 1;
    }
    write(string, offset, length, enc) {
      if (typeof offset === 'string') { enc = offset; offset = 0; length = undefined; }
      if (typeof length === 'string') { enc = length; length = undefined; }
      offset = offset === undefined ? 0 : offset | 0;
      const bytes = bytesOf(string, enc);
      const n = Math.min(bytes.length, this.length - offset, length === undefined ? Infinity : length);
      this.set(bytes.subarray(0, n), offset);
      return n;
    }
    fill(value, start, end, enc) {
      if (typeof start === 'string') { enc = start; start = 0; end = this.length; }
      if (typeof value === 'string') {
        const bytes = bytesOf(value, enc);
        start = start === undefined ? 0 : start;
        end = end === undefined ? this.length : end;
        if (bytes.length === 0) return Uint8Array.prototype.fill.call(this, 0, start, end);
        for (let i = start, j = 0; i < end; i++, j = (j + 1) % bytes.length) this[i] = bytes[j];
        return this;
      }
      return Uint8Array.prototype.fill.call(this, value, start, end);
    }
    slice(start, end) { return this.subarray(start, end); }
    subarray(start, end) {
      const v = Uint8Array.prototype.subarray.call(this, start, end);
      return new Buffer(v.buffer, v.byteOffset, v.length);
    }
    indexOf(value, from, enc) {
      if (typeof value === 'number') return Uint8Array.prototype.indexOf.call(this, value, from);
      const needle = typeof value === 'string' ? bytesOf(value, enc) : value;
      outer: for (let i = from === undefined ? 0 : from; i + needle.length <= this.length; i++) {
        for (let j = 0; j < needle.length; j++) if (this[i + j] !== needle[j]) continue outer;
        return i;
      }
      return -1;
    }
    includes(value, from, enc) { return this.indexOf(value, from, enc) !== -1; }
    readUInt8(o = 0) { return this[o]; }
    readInt8(o = 0) { return (this[o] << 24) >> 24; }
    readUInt16LE(o = 0) { return this[o] | (this[o + 1] << 8); }
    readUInt32LE(o = 0) { return (this[o] | (this[o + 1] << 8) | (this[o + 2] << 16)) + this[o + 3] * 0x1000000; }
    readInt32LE(o = 0) { return this[o] | (this[o + 1] << 8) | (this[o + 2] << 16) | (this[o + 3] << 24); }
    [Symbol.for('nodejs.util.inspect.custom')]() {
      let s = '';
      const n = Math.min(this.length, 50);
      for (let i = 0; i < n; i++) s += ' ' + (this[i] < 16 ? '0' : '') + this[i].toString(16);
      if (this.length > 50) s += ` ... ${this.length - 50} more byte${this.length - 50 > 1 ? 's' : ''}`;
      return `<Buffer${s}>`;
    }
  }
  function toBuffer(u8) { return new Buffer(u8.buffer, u8.byteOffset, u8.length); }
  Buffer.poolSize = 8192;
  k.Buffer = Buffer;
  k.toBuffer = toBuffer;
  k.normEncoding = normEncoding;

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(s = '') { return new Uint8Array(k.utf8Encode(String(s))); }
    encodeInto(s, dest) {
      const b = this.encode(s);
      const n = Math.min(b.length, dest.length);
      dest.set(b.subarray(0, n));
      return { read: s.length, written: n };
    }
  }
  class TextDecoder {
    constructor(label = 'utf-8', options = {}) {
      const l = String(label).toLowerCase();
      if (l !== 'utf-8' && l !== 'utf8' && l !== 'unicode-1-1-utf-8') {
        throw new RangeError(`The "${label}" encoding is not supported`);
      }
      this.ignoreBOM = !!options.ignoreBOM;
      this.fatal = !!options.fatal;
    }
    get encoding() { return 'utf-8'; }
    decode(input) {
      if (input === undefined) return '';
      const v = input instanceof ArrayBuffer ? new Uint8Array(input)
        : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
      let s = k.utf8Decode(v);
      if (!this.ignoreBOM && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      return s;
    }
  }

  function btoa(s) {
    s = String(s);
    const b = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 255) throw new Error('Invalid character');
      b[i] = c;
    }
    return base64Encode(b, false);
  }
  function atob(s) {
    const bytes = base64Decode(String(s).replace(/[\t\n\f\r ]/g, ''));
    let out = '';
    for (let i = 0; i < bytes.length; i++) out += String.fromCharCode(bytes[i]);
    return out;
  }

  const crypto = {
    getRandomValues(view) {
      if (!ArrayBuffer.isView(view) || view instanceof Float32Array || view instanceof Float64Array) {
        throw new TypeError('The data argument must be an integer-type TypedArray');
      }
      if (view.byteLength > 65536) throw new RangeError('The ArrayBufferView\'s byte length exceeds 65536');
      k.getRandom(view);
      return view;
    },
    randomUUID() {
      const b = new Uint8Array(16);
      k.getRandom(b);
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      const h = Buffer.prototype.toString.call(toBuffer(b), 'hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    },
  };

  function structuredClone(value) {
    if (arguments.length === 0) throw new TypeError('The "value" argument must be specified');
    return k.structuredClone(value);
  }

  const globals = { Buffer, TextEncoder, TextDecoder, atob, btoa, crypto, structuredClone };
  for (const name of Object.keys(globals)) {
    ObjectDefineProperty(globalThis, name, { value: globals[name], writable: true, configurable: true, enumerable: false });
  }
})
