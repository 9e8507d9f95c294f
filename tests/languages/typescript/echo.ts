const args: string[] = process.argv.slice(2);
for (const a of args) console.log(a);
process.stdout.write(require("fs").readFileSync(0, "utf8"));
