// attack: process.exit(3) from an async function after an await, with pending timers
// why: the exit code of a warm TypeScript child must be the program's own
// expect: status=RE code=3
// stdout: EXITING
async function main(): Promise<void> {
  await new Promise<void>((r) => setTimeout(r, 10));
  console.log('EXITING');
  setTimeout(() => console.log('TIMER-RAN'), 5000);
  process.exit(3);
}
main();
