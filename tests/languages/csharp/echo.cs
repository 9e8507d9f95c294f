using System;

class Program {
    static void Main(string[] args) {
        foreach (string a in args)
            Console.WriteLine(a);
        string line;
        while ((line = Console.ReadLine()) != null)
            Console.WriteLine(line);
    }
}
