program Ce;
var
  x: Integer;
begin
  x := 'not a number';
end.
