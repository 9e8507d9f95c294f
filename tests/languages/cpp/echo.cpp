#include <iostream>
#include <string>
int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        std::cout << argv[i] << '\n';
    std::string line;
    while (std::getline(std::cin, line))
        std::cout << line << '\n';
}
