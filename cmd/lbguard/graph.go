package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/lbguard/lbguard/report"
)

// graphCommand prints what lbguard linked, so a user can see what it
// understood and what it could not link, without reading code.
func graphCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "graph",
		Usage:     "print the linked graph of a plan or a directory: load balancers, listeners, target groups, targets, security groups, and what could not be linked",
		ArgsUsage: "PLAN.json | - | DIR",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "mermaid", Usage: "mermaid, dot or json"},
			&cli.StringFlag{Name: "source", Usage: "with a plan: the directory of its .tf files (for links through locals)"},
			&cli.StringSliceFlag{Name: "var", Usage: "with a directory: a root variable, NAME=VALUE (repeatable)"},
			&cli.StringSliceFlag{Name: "var-file", Usage: "with a directory: a .tfvars file (repeatable)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return usageErr("graph takes one plan file, - for standard input, or a directory of .tf files")
			}
			write, ok := report.GraphFormats[strings.ToLower(c.String("format"))]
			if !ok {
				return usageErr("--format %q: want one of dot, json or mermaid", c.String("format"))
			}
			inputs, err := parseInputs(c.Args().Slice(), e)
			if err != nil {
				return err
			}
			if len(inputs) == 0 {
				return usageErr("graph: %s lies in no directory of .tf files", c.Args().First())
			}
			st := &settings{source: c.String("source"), vars: c.StringSlice("var"), varFiles: c.StringSlice("var-file")}
			g, _, warnings, err := loadGraph(inputs[0], st, e)
			for _, w := range warnings {
				e.warn("%s", w)
			}
			if err != nil {
				return err
			}
			return write(e.stdout, g)
		},
	}
}
