Enum.each(System.argv(), &IO.puts/1)
IO.write(IO.read(:stdio, :eof) |> then(fn :eof -> ""; s -> s end))
