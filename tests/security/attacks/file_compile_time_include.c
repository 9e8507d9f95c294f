// attack: #include the server's keys file, its config and root's files at compile time, so that
//   the compiler's error messages quote them
// why: the compile step runs host tools on attacker input; if it saw host files, the error text
//   would carry them out (a classic leak of online judges)
// expect: status=CE
// stderr: No such file or directory
#include "@KEYS_PATH@"
#include "@CONFIG_PATH@"
#include "/root/.bashrc"
int main(void) { return 0; }
