package checks

import (
	"embed"
	"strings"
)

//go:embed docs/*.md
var docFiles embed.FS

// Doc returns the long documentation of a rule (LBG000 included): example,
// why, how to fix, references. It is "" for an unknown ID.
func Doc(id string) string {
	b, err := docFiles.ReadFile("docs/" + strings.ToUpper(id) + ".md")
	if err != nil {
		return ""
	}
	return string(b)
}

//go:generate go run ../internal/rulegen
