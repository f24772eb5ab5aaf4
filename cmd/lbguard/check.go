package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/lbguard/lbguard/checks"
	"github.com/lbguard/lbguard/checks/config"
	"github.com/lbguard/lbguard/plan"
	"github.com/lbguard/lbguard/plan/link"
	"github.com/lbguard/lbguard/plan/tfplan"
	"github.com/lbguard/lbguard/plan/tfsrc"
	"github.com/lbguard/lbguard/report"
)

func checkCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "check a plan (terraform show -json PLANFILE > plan.json), or a directory of .tf files",
		ArgsUsage: "PLAN.json | - | DIR",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "output format: text or json"},
			&cli.StringFlag{Name: "fail-on", Usage: "exit 1 when a finding is at or above this severity: info, low, medium (default), high or never"},
			&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "list unresolved notes (what lbguard could not decide) and suppressed findings"},
			&cli.BoolFlag{Name: "strict", Usage: "exit 1 on unresolved notes too"},
			&cli.StringFlag{Name: "color", Value: "auto", Usage: "colour the text output: auto (on a terminal, unless NO_COLOR is set), always or never"},
			&cli.StringFlag{Name: "source", Usage: "with a plan: the directory of its .tf files, for file:line locations, locals and lbguard:ignore comments (default: the current directory, when its .tf files match the plan)"},
			&cli.StringSliceFlag{Name: "var", Usage: "with a directory: a root variable, NAME=VALUE (repeatable)"},
			&cli.StringSliceFlag{Name: "var-file", Usage: "with a directory: a .tfvars file (repeatable)"},
			&cli.StringFlag{Name: "config", Usage: "configuration file (default: " + config.DefaultFile + " in the current directory, if there is one)"},
			&cli.StringFlag{Name: "baseline", Usage: "a previous JSON report: its findings are suppressed, so only new ones count"},
			&cli.StringFlag{Name: "write-baseline", Usage: "write this run's JSON report to a file, for --baseline"},
		},
		Action: func(c *cli.Context) error { return runCheck(c, e) },
	}
}

func runCheck(c *cli.Context, e *env) error {
	if c.NArg() != 1 {
		return usageErr("check takes one plan file, - for standard input, or a directory of .tf files; got %d arguments", c.NArg())
	}
	format, ok := report.Formats[c.String("format")]
	if !ok {
		return usageErr("unknown --format %q (want %v)", c.String("format"), report.FormatNames())
	}
	color, err := useColor(c.String("color"), e)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(c, e)
	if err != nil {
		return err
	}
	failOnName := "medium"
	switch {
	case c.IsSet("fail-on"):
		failOnName = c.String("fail-on")
	case cfg != nil && cfg.FailOn != "":
		failOnName = cfg.FailOn
	}
	failOn, err := report.ParseThreshold(failOnName)
	if err != nil {
		return usageErr("--fail-on: %v", err)
	}
	var baseline map[string]bool
	if path := c.String("baseline"); path != "" {
		if baseline, err = readBaseline(path); err != nil {
			return err
		}
	}

	g, err := loadGraph(c, e)
	if err != nil {
		return err
	}
	list, settings := checks.All, checks.Settings{}
	if cfg != nil {
		list, settings = cfg.Apply(list), cfg.Settings
	}
	res, err := checks.Run(g, list, settings)
	if err != nil {
		return &exitErr{code: exitError, msg: err.Error()}
	}
	supp := checks.Suppressions{
		Comments:     g.Suppressions,
		Baseline:     baseline,
		BaselineFile: c.String("baseline"),
		Today:        e.now(),
		Known:        ruleExists,
		Meta:         func(id string) *checks.Meta { m, _ := checks.Lookup(id); return &m },
	}
	if cfg != nil {
		supp.Ignores = cfg.Ignores
		supp.Meta = func(id string) *checks.Meta { m, _ := checks.Lookup(id); return cfg.Meta(m) }
	}
	res.Suppress(supp)

	r := &report.Run{Result: res, FailOn: failOn, Strict: c.Bool("strict"), Version: toolVersion()}
	if err := format(e.stdout, r, report.Options{Color: color, Verbose: c.Bool("verbose")}); err != nil {
		return &exitErr{code: exitError, msg: "writing the report: " + err.Error()}
	}
	if path := c.String("write-baseline"); path != "" {
		if err := writeBaseline(path, r); err != nil {
			return err
		}
	}
	if r.Failed() {
		return &exitErr{code: exitFindings}
	}
	return nil
}

// loadGraph reads the plan, or the sources in source mode. In plan mode
// the sources (--source, or the current directory when its .tf files
// declare the plan's resources) add locations, locals and suppressions.
func loadGraph(c *cli.Context, e *env) (*plan.Graph, error) {
	arg := c.Args().First()
	opts := tfsrc.Options{VarFiles: c.StringSlice("var-file"), Vars: c.StringSlice("var"), Getenv: e.getenv}
	if arg != "-" {
		if st, err := os.Stat(arg); err == nil && st.IsDir() {
			src, err := tfsrc.Load(arg, opts)
			if err != nil {
				return nil, sourceError(err)
			}
			return src.Graph()
		}
	}
	in, err := tfplan.Decode(arg, e.stdin)
	if err != nil {
		var ie *tfplan.InputError
		if errors.As(err, &ie) {
			return nil, &exitErr{code: exitError, msg: oneLine(ie.Error())}
		}
		return nil, err
	}
	var src *tfsrc.Sources
	switch dir := c.String("source"); {
	case dir != "":
		if src, err = tfsrc.Load(dir, opts); err != nil {
			return nil, sourceError(err)
		}
		if !src.Declares(in) {
			e.warn("the .tf files in %s do not declare the plan's resources: their locations, locals and lbguard:ignore comments are not used", dir)
			src = nil
		}
	case tfsrc.HasSources(e.dir):
		if src, err = tfsrc.Load(e.dir, opts); err != nil {
			e.warn("the .tf files in the current directory were not used: %s", oneLine(err.Error()))
			src = nil
		} else if !src.Declares(in) {
			src = nil // other sources: a plan made elsewhere
		}
	}
	lopts := link.Options{Kind: "plan", Path: displayPath(arg)}
	if src != nil {
		lopts.Locals = src
	}
	g, err := link.Build(in, lopts)
	if err != nil {
		var le *link.Error
		if errors.As(err, &le) {
			return nil, &exitErr{code: exitError, msg: oneLine(le.Error())}
		}
		return nil, err
	}
	if src != nil {
		src.Attach(g)
	}
	return g, nil
}

func displayPath(p string) string {
	if p == "-" {
		return "<stdin>"
	}
	return p
}

// sourceError turns a problem with the sources into exit 2, one line per
// diagnostic.
func sourceError(err error) error {
	var d *tfsrc.Diagnostics
	if errors.As(err, &d) {
		return &exitErr{code: exitError, lines: d.Lines()}
	}
	return &exitErr{code: exitError, msg: oneLine(err.Error())}
}

func loadConfig(c *cli.Context, e *env) (*config.Config, error) {
	path := c.String("config")
	if path == "" {
		path = filepath.Join(e.dir, config.DefaultFile)
		if _, err := os.Stat(path); err != nil {
			return nil, nil
		}
	}
	cfg, err := config.Load(path, ruleExists)
	if err != nil {
		var ce *config.Error
		if errors.As(err, &ce) {
			return nil, &exitErr{code: exitError, lines: ce.Lines()}
		}
		return nil, &exitErr{code: exitError, msg: fmt.Sprintf("reading the configuration %s: %v", path, err)}
	}
	return cfg, nil
}

func ruleExists(id string) bool {
	_, ok := checks.Lookup(id)
	return ok
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
