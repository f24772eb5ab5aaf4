package main

import (
	"errors"

	"github.com/urfave/cli/v2"

	"github.com/lbguard/lbguard/checks"
	"github.com/lbguard/lbguard/plan/tfplan"
	"github.com/lbguard/lbguard/report"
)

func checkCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "check a plan (terraform show -json PLANFILE > plan.json)",
		ArgsUsage: "PLAN.json | -",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output format: text or json"},
			&cli.StringFlag{Name: "fail-on", Value: "medium", Usage: "exit 1 when a finding is at or above this severity: info, low, medium, high or never"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "list unresolved notes (what lbguard could not decide) and suppressed findings"},
			&cli.BoolFlag{Name: "strict", Usage: "exit 1 on unresolved notes too"},
			&cli.StringFlag{Name: "color", Value: "auto", Usage: "colour the text output: auto (on a terminal, unless NO_COLOR is set), always or never"},
		},
		Action: func(c *cli.Context) error { return runCheck(c, e) },
	}
}

func runCheck(c *cli.Context, e *env) error {
	if c.NArg() != 1 {
		return usageErr("check takes one plan file (or - for standard input), got %d arguments", c.NArg())
	}
	format, ok := report.Formats[c.String("format")]
	if !ok {
		return usageErr("unknown --format %q (want %v)", c.String("format"), report.FormatNames())
	}
	failOn, err := report.ParseThreshold(c.String("fail-on"))
	if err != nil {
		return usageErr("--fail-on: %v", err)
	}
	color, err := useColor(c.String("color"), e)
	if err != nil {
		return err
	}

	g, err := tfplan.Load(c.Args().First(), e.stdin, tfplan.Options{})
	if err != nil {
		var ie *tfplan.InputError
		if errors.As(err, &ie) {
			return &exitErr{code: exitError, msg: oneLine(ie.Error())}
		}
		return err
	}
	res, err := checks.Run(g, checks.All)
	if err != nil {
		return &exitErr{code: exitError, msg: err.Error()}
	}
	r := &report.Run{Result: res, FailOn: failOn, Strict: c.Bool("strict"), Version: toolVersion()}
	if err := format(e.stdout, r, report.Options{Color: color, Verbose: c.Bool("verbose")}); err != nil {
		return &exitErr{code: exitError, msg: "writing the report: " + err.Error()}
	}
	if r.Failed() {
		return &exitErr{code: exitFindings}
	}
	return nil
}

// useColor decides whether the text output is coloured.
func useColor(mode string, e *env) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		return e.getenv("NO_COLOR") == "" && e.isTTY(e.stdout), nil
	}
	return false, usageErr("unknown --color %q (want auto, always or never)", mode)
}
