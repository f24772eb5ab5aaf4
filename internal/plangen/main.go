// Command plangen writes generated plans for benchmarks and scale tests:
//
//	go run ./internal/plangen -mb 100 -o /tmp/plan-100mb.json      # stacks, about 100 MB
//	go run ./internal/plangen -wrap fixtures/x/plan.json -n 50 -o out.json   # 50 copies of a real plan
//
// Plans are deterministic (-seed), generated when needed, never committed.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/lbguard/lbguard/internal/plangen/gen"
)

func main() {
	mb := flag.Int("mb", 10, "approximate size in MB of a plan of stacks")
	seed := flag.Uint64("seed", 1, "seed of the large values")
	wrap := flag.String("wrap", "", "a real plan to copy into module instances")
	n := flag.Int("n", 10, "with -wrap: how many copies")
	out := flag.String("o", "", "output file (default: standard output)")
	flag.Parse()
	var b []byte
	var err error
	if *wrap != "" {
		var in []byte
		if in, err = os.ReadFile(*wrap); err == nil {
			b, err = gen.Wrap(in, *n)
		}
	} else {
		b, err = gen.Stacks(gen.StacksForMB(*mb), gen.Fillers, *seed)
	}
	if err == nil {
		if *out == "" {
			_, err = os.Stdout.Write(b)
		} else {
			err = os.WriteFile(*out, b, 0o644)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "plangen:", err)
		os.Exit(1)
	}
}
