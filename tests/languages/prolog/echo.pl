:- initialization(main, main).

main(Args) :-
    forall(member(A, Args), writeln(A)),
    read_string(user_input, _, Input),
    write(Input).

main :- current_prolog_flag(argv, Args), main(Args).
