%% escript skips the first line of a program.
main(Args) ->
    lists:foreach(fun(A) -> io:format("~ts~n", [A]) end, Args),
    copy().

copy() ->
    case io:get_line("") of
        eof -> ok;
        Line -> io:put_chars(Line), copy()
    end.
