// Command nop stands in for Tekton's nop image: an ENTRYPOINT and no shell. It exits with status 0
// whatever its arguments, except that with the argument tekton_run_indefinitely it waits for SIGINT
// or SIGTERM first, as Tekton's affinity assistant expects.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "tekton_run_indefinitely" {
		stop := make(chan os.Signal, 1)
		signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
		fmt.Fprintln(os.Stderr, "nop: waiting for SIGINT or SIGTERM")
		fmt.Fprintln(os.Stderr, "nop: received", <-stop)
	}
	fmt.Fprintln(os.Stderr, "nop: exiting")
}
