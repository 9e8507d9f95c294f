with Ada.Command_Line; use Ada.Command_Line;
with Ada.Text_IO; use Ada.Text_IO;

procedure Main is
begin
   for I in 1 .. Argument_Count loop
      Put_Line (Argument (I));
   end loop;
   while not End_Of_File loop
      Put_Line (Get_Line);
   end loop;
end Main;
