// Command rulegen writes checks/all.go, the list of every check, from the
// rule files checks/lbgNNN_name.go: each declares one package-level
// variable of type Check whose ID is LBGNNN. Run it with
// `go generate ./checks`; a test in checks fails when all.go is stale.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/lbguard/lbguard/internal/rulegen/rules"
)

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	src, err := rules.Generate(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rulegen:", err)
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(dir, "all.go"), src, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "rulegen:", err)
		os.Exit(1)
	}
}
