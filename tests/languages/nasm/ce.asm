        global  _start
        section .text
_start: mov     rax, undefined_symbol
        bogus_instruction rax
