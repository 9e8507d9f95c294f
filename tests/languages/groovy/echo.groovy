args.each { println it }
System.in.eachLine { println it }
