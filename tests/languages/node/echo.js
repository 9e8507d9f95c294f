for (const a of process.argv.slice(2)) console.log(a);
process.stdout.write(require("fs").readFileSync(0, "utf8"));
