const word: string = "OK";
console.log(word);
