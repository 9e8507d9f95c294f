import os

for i in 1 .. paramCount():
  echo paramStr(i)
stdout.write(stdin.readAll())
