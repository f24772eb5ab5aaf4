package checks

import (
	"fmt"
	"strings"
)

// MarkdownTable renders the rule catalogue as a Markdown table: the
// README's rule table is this output (a test keeps them equal).
func MarkdownTable(list []Meta) string {
	var b strings.Builder
	b.WriteString("| ID | name | severity | meaning |\n|---|---|---|---|\n")
	for _, c := range list {
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.ID, c.Name, c.Severity, c.Summary)
	}
	return b.String()
}
