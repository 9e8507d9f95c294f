// attack: lock goroutines to OS threads until the runtime cannot make more
// why: Go starts OS threads on demand; the process limit must stop them, and Go must die of it, not the host
// expect: status=RE
// stdout: STARTED
// stderr: failed to create new OS thread
// absent: UNLIMITED
package main

import (
	"fmt"
	"runtime"
	"time"
)

func main() {
	fmt.Println("STARTED")
	for i := 0; i < 100000; i++ {
		go func() {
			runtime.LockOSThread()
			time.Sleep(time.Hour)
		}()
		time.Sleep(100 * time.Microsecond)
	}
	fmt.Println("UNLIMITED")
}
