; Prints each argument on a line, then copies stdin to stdout.
        global  _start
        section .text
_start: mov     rbx, [rsp]              ; argc
        lea     r12, [rsp + 16]         ; argv[1]
        dec     rbx
.arg:   test    rbx, rbx
        jz      .copy
        mov     rsi, [r12]
        xor     rdx, rdx
.len:   cmp     byte [rsi + rdx], 0
        je      .put
        inc     rdx
        jmp     .len
.put:   mov     rax, 1
        mov     rdi, 1
        syscall
        mov     rax, 1
        mov     rdi, 1
        lea     rsi, [rel nl]
        mov     rdx, 1
        syscall
        add     r12, 8
        dec     rbx
        jmp     .arg
.copy:  xor     rax, rax                ; read(0, buf, 4096)
        xor     rdi, rdi
        lea     rsi, [rel buf]
        mov     rdx, 4096
        syscall
        test    rax, rax
        jle     .done
        mov     rdx, rax                ; write(1, buf, n)
        mov     rax, 1
        mov     rdi, 1
        lea     rsi, [rel buf]
        syscall
        jmp     .copy
.done:  mov     rax, 60
        xor     rdi, rdi
        syscall
        section .rodata
nl:     db      10
        section .bss
buf:    resb    4096
