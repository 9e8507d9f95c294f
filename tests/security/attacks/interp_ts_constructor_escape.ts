// attack: reach the host process from TypeScript through constructor chains and sucrase's output
// why: the transform step must not give the program a way around the runtime
// expect: status=OK
// stdout: DONE
// absent: ESCAPED
const F: any = (() => {}).constructor;
const g: any = F('return this')();
for (const name of ['child_process', 'net', 'vm', 'module', 'inspector']) {
  try {
    const m: any = (g.require || require)(name);
    console.log(m && (m.execSync || m.connect || m.runInThisContext) ? 'ESCAPED' : 'nothing', name);
  } catch (e) {
    console.log('refused', name);
  }
}
console.log('DONE');
