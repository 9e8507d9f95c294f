// attack: allocate and touch memory without end from several goroutines (64 MiB limit here)
// why: Go's collector does not know the run's limit: the cgroup must stop the process
// limits: run_memory_limit=67108864
// expect: status=ML
// stdout: ALLOCATING
package main

import "fmt"

func main() {
	fmt.Println("ALLOCATING")
	keep := make(chan []byte, 1<<20)
	for w := 0; w < 4; w++ {
		go func() {
			for {
				b := make([]byte, 4<<20)
				for i := range b {
					b[i] = 1
				}
				keep <- b
			}
		}()
	}
	select {}
}
