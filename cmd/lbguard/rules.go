package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/lbguard/lbguard/checks"
)

func rulesCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "rules",
		Usage: "list the rules",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "text, markdown or json"},
		},
		Action: func(c *cli.Context) error {
			switch strings.ToLower(c.String("format")) {
			case "text":
				for _, r := range checks.Catalogue(checks.All) {
					fmt.Fprintf(e.stdout, "%s  %-6s  %-36s  %s\n", r.ID, r.Severity, r.Name, r.Summary)
				}
				fmt.Fprintln(e.stdout, "\nlbguard explain ID shows a rule's examples, rationale and fix.")
			case "markdown":
				fmt.Fprint(e.stdout, checks.MarkdownTable(checks.Catalogue(checks.All)))
			case "json":
				type rule struct {
					ID        string `json:"id"`
					Name      string `json:"name"`
					Severity  string `json:"severity"`
					ReportsOn string `json:"reports_on"`
					Summary   string `json:"summary"`
					DocURL    string `json:"doc_url"`
				}
				var out []rule
				for _, r := range checks.Catalogue(checks.All) {
					out = append(out, rule{r.ID, r.Name, r.Severity.String(), r.ReportsOn, r.Summary, checks.DocURL(r.ID)})
				}
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			default:
				return usageErr("--format %q: want one of text, markdown or json", c.String("format"))
			}
			return nil
		},
	}
}

func explainCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "show a rule's documentation: example, why, how to fix, references",
		ArgsUsage: "RULE (an ID such as LBG101, or a name such as http-listener-not-redirected)",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErr("explain takes one rule, by ID (LBG101) or name (http-listener-not-redirected); lbguard rules lists them")
			}
			id, ok := ruleID(c.Args().First())
			if !ok && strings.EqualFold(c.Args().First(), "LBG000") {
				id, ok = "LBG000", true
			}
			doc := checks.Doc(id)
			if !ok || doc == "" {
				return usageErr("unknown rule %q (lbguard rules lists them)", c.Args().First())
			}
			// The doc says the title, the why and the fix; only the severity
			// and the resource it reports on are added under its title.
			title, rest, _ := strings.Cut(doc, "\n")
			fmt.Fprintln(e.stdout, title)
			if r, ok := checks.Lookup(id); ok {
				fmt.Fprintf(e.stdout, "\nSeverity %s; reported on %s. %s\n", r.Severity, r.ReportsOn, checks.DocURL(id))
			}
			fmt.Fprint(e.stdout, rest)
			return nil
		},
	}
}

func versionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print lbguard's version",
		Action: func(c *cli.Context) error {
			fmt.Fprintln(e.stdout, "lbguard", toolVersion())
			return nil
		},
	}
}
