class Program {
    static void Main() {
        int x = "not a number";
    }
}
