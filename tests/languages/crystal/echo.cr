ARGV.each { |a| puts a }
print STDIN.gets_to_end
