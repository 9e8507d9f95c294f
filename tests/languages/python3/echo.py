import sys
for a in sys.argv[1:]:
    print(a)
sys.stdout.write(sys.stdin.read())
