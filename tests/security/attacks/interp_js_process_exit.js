// attack: process.exit(5) from inside a promise callback, with a timer pending
// why: exiting a warm child from a callback must give the program's own exit status
// expect: status=RE code=5
// stdout: EXITING
setTimeout(() => console.log('TIMER-RAN'), 1000);
Promise.resolve().then(() => { console.log('EXITING'); process.exit(5); });
