package main

import (
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
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "text or markdown"},
		},
		Action: func(c *cli.Context) error {
			switch c.String("format") {
			case "text":
				for _, r := range checks.Catalogue(checks.All) {
					fmt.Fprintf(e.stdout, "%s  %-6s  %-36s  %s\n", r.ID, r.Severity, r.Name, r.Summary)
				}
				fmt.Fprintln(e.stdout, "\nlbguard explain ID shows a rule's examples, rationale and fix.")
			case "markdown":
				fmt.Fprint(e.stdout, checks.MarkdownTable(checks.Catalogue(checks.All)))
			default:
				return usageErr("unknown --format %q (want text or markdown)", c.String("format"))
			}
			return nil
		},
	}
}

func explainCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "show a rule's documentation: example, why, how to fix, references",
		ArgsUsage: "RULE-ID",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErr("explain takes one rule ID, such as LBG101 (lbguard rules lists them)")
			}
			id := strings.ToUpper(c.Args().First())
			doc := checks.Doc(id)
			if doc == "" {
				return usageErr("unknown rule %q (lbguard rules lists them)", c.Args().First())
			}
			if r, ok := checks.Lookup(id); ok {
				fmt.Fprintf(e.stdout, "%s %s (severity %s)\n\n%s\n\nFix: %s\n\n", r.ID, r.Name, r.Severity, r.Summary, r.Remediation)
			}
			fmt.Fprint(e.stdout, doc)
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
