package main

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestREADMEExamples runs the commands whose output the README shows, from
// the repository root as a reader would, and compares the output with the
// README's block, byte for byte.
func TestREADMEExamples(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(wd, "../../README.md"))
	if err != nil {
		t.Fatal(err)
	}
	commands := map[string][][]string{
		"alb-http-only":     {{"check", "fixtures/alb-http-only/plan.json"}},
		"source-evaluation": {{"check", "fixtures/source-evaluation"}, {"check", "--source", "fixtures/source-evaluation", "fixtures/source-evaluation/plan.json"}},
	}
	blocks := regexp.MustCompile("(?s)<!-- example:([a-z0-9-]+) -->\n```\n(.*?)```\n").FindAllSubmatch(readme, -1)
	if len(blocks) != len(commands) {
		t.Fatalf("README has %d example blocks, want %d", len(blocks), len(commands))
	}
	defer os.Chdir(wd)
	if err := os.Chdir("../.."); err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		for _, args := range commands[string(b[1])] {
			r := lbguard(t, nil, map[string]string{"TEST_DIR": "."}, args...)
			if r.stdout != string(b[2]) || r.code != 1 {
				t.Errorf("lbguard %v (exit %d) prints, unlike the README:\n%s", args, r.code, r.stdout)
			}
		}
	}
}
