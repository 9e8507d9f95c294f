print "$_\n" for @ARGV;
print while <STDIN>;
