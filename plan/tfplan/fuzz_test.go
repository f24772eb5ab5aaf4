package tfplan

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/lbguard/lbguard/plan"
	"github.com/lbguard/lbguard/plan/link"
)

// FuzzRead feeds the loader arbitrary bytes, seeded with every fixture and
// corpus plan: it must return a graph, an *InputError or a *link.Error, never panic.
func FuzzRead(f *testing.F) {
	for _, pattern := range []string{"../../fixtures/*/plan.json", "../../fixtures/corpus/*.json"} {
		paths, _ := filepath.Glob(pattern)
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[{"type":"aws_lb_listener","address":"aws_lb_listener.x","change":{"actions":["create"],"after":{"default_action":[1,"x",null]},"after_unknown":[true]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		in, err := Read(bytes.NewReader(data))
		var g *plan.Graph
		if err == nil {
			g, err = link.Build(in, link.Options{Kind: "plan"})
		}
		if err != nil {
			var ie *InputError
			var le *link.Error
			if !errors.As(err, &ie) && !errors.As(err, &le) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if g == nil {
			t.Fatal("nil graph without an error")
		}
	})
}
