fun main(args: Array<String>) {
    for (a in args) println(a)
    while (true) {
        val line = readLine() ?: break
        println(line)
    }
}
