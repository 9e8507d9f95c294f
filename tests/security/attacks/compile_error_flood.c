// attack: macros that expand to a million invalid statements: a flood of diagnostics, each
//   with its macro-expansion notes
// why: the compiler's output is kept and returned; it must be cut at the output limit and the
//   compiler stopped, not buffered without bound in the server
// expect: status=OL stage=compile
#define A 1 = 1; 1 = 1; 1 = 1; 1 = 1; 1 = 1; 1 = 1; 1 = 1; 1 = 1; 1 = 1; 1 = 1;
#define B A A A A A A A A A A
#define C B B B B B B B B B B
#define D C C C C C C C C C C
#define E D D D D D D D D D D
int main(void) { E E E E E E E E E E return 0; }
