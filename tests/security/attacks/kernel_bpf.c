// attack: bpf(BPF_PROG_LOAD) of a socket filter and bpf(BPF_MAP_CREATE)
// why: eBPF verifier bugs are a steady source of kernel escalations (CVE-2021-3490, -31440)
// expect: status=OK
// stdout: DONE
// absent: BPF-ALLOWED
// denied: bpf
#include <linux/bpf.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
int main(void)
{
    union bpf_attr a;
    memset(&a, 0, sizeof a);
    a.map_type = BPF_MAP_TYPE_ARRAY;
    a.key_size = 4;
    a.value_size = 8;
    a.max_entries = 1;
    if (syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof a) >= 0) puts("BPF-ALLOWED map");
    struct bpf_insn prog[] = { { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
                               { .code = BPF_JMP | BPF_EXIT } };
    memset(&a, 0, sizeof a);
    a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
    a.insns = (unsigned long)prog;
    a.insn_cnt = 2;
    a.license = (unsigned long)"GPL";
    if (syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof a) >= 0) puts("BPF-ALLOWED prog");
    puts("DONE");
    return 0;
}
