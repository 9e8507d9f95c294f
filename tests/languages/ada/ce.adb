procedure Main is
   X : Integer := "not a number";
begin
   null;
end Main;
