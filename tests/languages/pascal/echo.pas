program Echo;
var
  i: Integer;
  line: String;
begin
  for i := 1 to ParamCount do
    WriteLn(ParamStr(i));
  while not Eof(Input) do
  begin
    ReadLn(line);
    WriteLn(line);
  end;
end.
