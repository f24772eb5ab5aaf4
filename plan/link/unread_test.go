package link

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnreadIsNeverRead: no code that reads resources' values (the
// linker; the model and the rules, which see only what it builds) names
// an attribute Unread lets loaders leave out.
func TestUnreadIsNeverRead(t *testing.T) {
	var files []string
	for _, dir := range []string{".", "..", "../../checks"} {
		fs, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(fs) == 0 {
			t.Fatalf("%s: %v", dir, err)
		}
		files = append(files, fs...)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || strings.HasSuffix(f, "parts.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, attr := range UnreadAttributes() {
			if strings.Contains(string(b), `"`+attr+`"`) {
				t.Errorf("%s names %q, which loaders may leave out (link.UnreadAttributes)", f, attr)
			}
		}
	}
}
