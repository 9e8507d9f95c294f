// attack: unbounded recursion in JavaScript, then again inside the RangeError handler
// why: V8's stack guard must hold in a warm child; the run stays in control
// expect: status=OK
// stdout: CAUGHT
function f(n) { return f(n + 1) + 1; }
try { f(0); } catch (e) {
  try { f(0); } catch (e2) { console.log('CAUGHT', e2 instanceof RangeError); }
}
