package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	for _, a := range os.Args[1:] {
		fmt.Println(a)
	}
	io.Copy(os.Stdout, os.Stdin)
}
