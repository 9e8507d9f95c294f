let () =
  Array.iteri (fun i a -> if i > 0 then print_endline a) Sys.argv;
  try
    while true do
      print_endline (input_line stdin)
    done
  with End_of_file -> ()
