package checks

import (
	"embed"
	"strings"
)

//go:embed docs/*.md
var docFiles embed.FS

// DocURL is where a rule's documentation is published: its doc file in the
// repository.
func DocURL(id string) string {
	return "https://github.com/lbguard/lbguard/blob/main/checks/docs/" + strings.ToUpper(id) + ".md"
}

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
