%% escript skips the first line of a program.
main(_) ->
    halt(3).
