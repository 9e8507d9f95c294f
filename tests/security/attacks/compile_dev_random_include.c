// attack: #include /dev/random, so that the compiler reads an endless file into memory
// why: the compile step runs a host tool on hostile input; an endless include must be stopped
//   by the compile step's own memory limit, not exhaust the host or hang the request
// expect: status=ML stage=compile
// limits: compile_memory_limit=67108864 compile_cpu_time=3000
#include "/dev/random"
int main(void) { return 0; }
