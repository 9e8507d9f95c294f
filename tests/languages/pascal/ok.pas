program Ok;
begin
  WriteLn('OK');
end.
