        global  _start
        section .text
_start: mov     rax, 1          ; write(1, msg, 3)
        mov     rdi, 1
        lea     rsi, [rel msg]
        mov     rdx, 3
        syscall
        mov     rax, 60         ; exit(0)
        xor     rdi, rdi
        syscall
        section .rodata
msg:    db      "OK", 10
