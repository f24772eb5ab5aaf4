package layout

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/lbguard/lbguard/"

// allowed lists, for each package, the packages of this module its
// non-test files may import.
var allowed = map[string][]string{
	"plan":                   {},
	"plan/link":              {"plan"},
	"plan/tfplan":            {"plan/link", "internal/textenc"},
	"plan/tfsrc":             {"plan", "plan/link", "internal/diag"},
	"checks":                 {"plan"},
	"checks/config":          {"checks", "plan", "internal/diag"},
	"report":                 {"checks", "plan", "internal/textenc", "internal/safetext"},
	"internal/diag":          {},
	"internal/textenc":       {},
	"internal/safetext":      {},
	"internal/forge":         {},
	"internal/rulegen/rules": {},
}

func TestImportGraph(t *testing.T) {
	root := "../.."
	fset := token.NewFileSet()
	for pkg, ok := range allowed {
		files, _ := filepath.Glob(filepath.Join(root, pkg, "*.go"))
		if len(files) == 0 {
			t.Errorf("%s: no Go files", pkg)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			af, err := parser.ParseFile(fset, f, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range af.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				if rest, ours := strings.CutPrefix(path, module); ours && !slices.Contains(ok, rest) {
					t.Errorf("%s imports %s: not allowed (allowed: %v)", f, rest, ok)
				}
				if pkg == "plan" && (strings.Contains(path, "terraform-json") || strings.Contains(path, "hashicorp/hcl")) {
					t.Errorf("%s imports %s: the model knows nothing of JSON or HCL", f, path)
				}
				if strings.HasPrefix(pkg, "checks") && strings.Contains(path, "terraform-json") {
					t.Errorf("%s imports %s: a check never reads plan JSON", f, path)
				}
			}
		}
	}
}
