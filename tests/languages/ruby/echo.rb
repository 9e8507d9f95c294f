ARGV.each { |a| puts a }
$stdout.write($stdin.read)
