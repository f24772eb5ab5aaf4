package tfsrc

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/lbguard/lbguard/checks"
)

// FuzzSources feeds source mode arbitrary main.tf contents (a pre-commit
// hook reads whatever is being committed), seeded with every fixture's
// sources: loading, building the graph and running every rule must give
// a result or an error, never panic.
func FuzzSources(f *testing.F) {
	paths, _ := filepath.Glob("../../fixtures/*/main.tf")
	more, _ := filepath.Glob("../../fixtures/*/modules/*/main.tf")
	for _, p := range append(paths, more...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Load(dir, Options{})
		if err != nil {
			return
		}
		g, err := s.Graph()
		if err != nil {
			return
		}
		if _, err := checks.Run(g, checks.All, checks.Settings{}); err != nil {
			t.Fatalf("rules: %v", err)
		}
	})
}
