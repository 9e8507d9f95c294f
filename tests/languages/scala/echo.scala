object Main {
  def main(args: Array[String]): Unit = {
    args.foreach(println)
    Iterator.continually(scala.io.StdIn.readLine()).takeWhile(_ != null).foreach(println)
  }
}
