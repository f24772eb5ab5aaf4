package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestMermaidDiagrams collects every Mermaid diagram the fixtures produce
// (the markdown report's pictures and lbguard graph), checks their shape,
// and, when MERMAID_DIR is set, writes them there for .ci/run to parse with
// the real mermaid library (.ci/mermaid/parse.mjs).
func TestMermaidDiagrams(t *testing.T) {
	out := os.Getenv("MERMAID_DIR")
	n := 0
	save := func(name, diagram string) {
		t.Helper()
		if !strings.HasPrefix(diagram, "flowchart LR\n") || strings.Count(diagram, "-->") == 0 {
			t.Errorf("%s: not a flowchart with edges:\n%s", name, diagram)
		}
		n++
		if out != "" {
			if err := os.WriteFile(filepath.Join(out, fmt.Sprintf("%03d-%s.mmd", n, name)), []byte(diagram), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	block := regexp.MustCompile("(?s)```mermaid\n(.*?)```")
	plans, _ := filepath.Glob("../../fixtures/*/plan.json")
	for _, p := range append(plans, hostilePlans(t)...) {
		name := filepath.Base(filepath.Dir(p))
		if strings.HasSuffix(p, ".json") && !strings.HasSuffix(p, "plan.json") {
			name = "hostile-" + strings.TrimSuffix(filepath.Base(p), ".json")
		}
		r := lbguard(t, nil, nil, "check", "--format", "markdown", "--fail-on", "never", p)
		for i, m := range block.FindAllStringSubmatch(r.stdout, -1) {
			save(fmt.Sprintf("%s-lb%d", name, i), m[1])
		}
		g := lbguard(t, nil, nil, "graph", p)
		if g.code != 0 {
			t.Fatalf("graph %s: exit %d: %s", p, g.code, g.stderr)
		}
		if strings.Contains(g.stdout, "-->") {
			save(name+"-graph", g.stdout)
		}
	}
	if n < 40 {
		t.Errorf("only %d diagrams", n)
	}
}
