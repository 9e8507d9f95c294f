%% escript skips the first line of a program.
main(_) ->
    io:format("OK~n").
