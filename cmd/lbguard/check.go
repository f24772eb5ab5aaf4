package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

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
		Name:  "check",
		Usage: "check plans (terraform show -json PLANFILE > plan.json) and directories of .tf files",
		Description: "Each argument is a plan file, - for standard input, a directory of .tf files, or a .tf, .tf.json,\n" +
			".tfvars or .lbguard.hcl file standing for its directory (as pre-commit passes changed files). Each is\n" +
			"checked with its own configuration and gate; the exit status is the worst: 0 passed, 1 failed, 2 unusable.",
		ArgsUsage: "PLAN.json | - | DIR | FILE.tf ...",
		Flags:     checkFlags(),
		Action:    func(c *cli.Context) error { return runCheck(c, e) },
	}
}

// checkFlags are check's flags; each can also be set by an LBGUARD_*
// environment variable (a flag wins over the variable, the variable over
// .lbguard.hcl).
func checkFlags() []cli.Flag {
	env := func(name string) []string {
		return []string{"LBGUARD_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))}
	}
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", EnvVars: env("format"), Usage: "output format: " + strings.Join(report.FormatNames(), ", ")},
		&cli.StringFlag{Name: "fail-on", EnvVars: env("fail-on"), Usage: "exit 1 when a finding is at or above this severity: info, low, medium (default), high or never"},
		&cli.BoolFlag{Name: "verbose", EnvVars: env("verbose"), Usage: "list unresolved notes (what lbguard could not decide), suppressed findings and the settings in effect"},
		&cli.BoolFlag{Name: "strict", EnvVars: env("strict"), Usage: "exit 1 on unresolved notes too"},
		&cli.StringFlag{Name: "color", Value: "auto", EnvVars: env("color"), Usage: "colour the text output: auto (on a terminal, unless NO_COLOR is set), always or never"},
		&cli.StringFlag{Name: "source", EnvVars: env("source"), Usage: "with one plan: the directory of its .tf files, for file:line locations, locals and lbguard:ignore comments (default: the plan's directory, then the current one, when their .tf files declare the plan's resources)"},
		&cli.StringSliceFlag{Name: "var", Usage: "with a directory: a root variable, NAME=VALUE (repeatable)"},
		&cli.StringSliceFlag{Name: "var-file", Usage: "with a directory: a .tfvars file (repeatable)"},
		&cli.StringFlag{Name: "config", EnvVars: env("config"), Usage: "configuration file (default: " + config.DefaultFile + " next to what is checked, then in its parents up to the repository root, then in the current directory)"},
		&cli.StringSliceFlag{Name: "enable-rule", EnvVars: env("enable-rule"), Usage: "run a rule the configuration disables (ID or name; repeatable, or comma-separated)"},
		&cli.StringSliceFlag{Name: "disable-rule", EnvVars: env("disable-rule"), Usage: "do not run a rule (ID or name; repeatable, or comma-separated)"},
		&cli.StringSliceFlag{Name: "only", EnvVars: env("only"), Usage: "run only these rules (IDs or names; repeatable, or comma-separated)"},
		&cli.StringFlag{Name: "baseline", EnvVars: env("baseline"), Usage: "a previous JSON report: its findings (in the same input) are suppressed, so only new ones count"},
		&cli.StringFlag{Name: "write-baseline", Usage: "write this run's JSON report to a file, for --baseline (the same as --output json=PATH)"},
		&cli.StringSliceFlag{Name: "output", Usage: "also write the report in FORMAT to PATH, FORMAT=PATH (repeatable): e.g. --output sarif=lbguard.sarif --output junit=lbguard.xml"},
		&cli.StringFlag{Name: "root", EnvVars: env("root"), Usage: "the repository root, which SARIF, github and gitlab paths are relative to (default: the nearest parent of the sources holding .git, else the current directory)"},
	}
}

// input is one argument of check.
type input struct {
	name  string // as given, normalised relative to the current directory
	path  string // the plan file, the directory, or "-"
	isDir bool
	// implied marks a directory given by one of its files (as pre-commit
	// passes them): without .tf files it has nothing to check, and is
	// skipped (a .lbguard.hcl or .tfvars changed where no module lives).
	implied bool
}

func runCheck(c *cli.Context, e *env) error { return runCheckThen(c, e, nil) }

// runCheckThen is check; after, when set, runs once the report is written
// (lbguard comment posts it) and may change the exit status.
func runCheckThen(c *cli.Context, e *env, after func(rep *report.Report) (int, error)) error {
	st, err := checkSettings(c, e)
	if err != nil {
		return err
	}
	inputs, err := parseInputs(c.Args().Slice(), e)
	if err != nil {
		return err
	}
	if len(inputs) == 0 {
		// Only files (as pre-commit passes them) in directories without
		// .tf files: there is no module to check.
		fmt.Fprintln(e.stderr, "lbguard: the files given lie in no directory of .tf files: nothing to check")
		return nil
	}
	dirs, plans := 0, 0
	for _, in := range inputs {
		if in.isDir {
			dirs++
		} else {
			plans++
		}
	}
	if st.source != "" && plans != 1 {
		return usageErr("--source goes with exactly one plan; got %d plans", plans)
	}
	for _, vf := range st.varFiles {
		if _, err := os.Stat(vf); err != nil {
			return usageErr("--var-file %s: %s", vf, describeErr(err))
		}
	}
	if dirs == 0 && (len(st.vars) > 0 || len(st.varFiles) > 0) {
		e.warn("--var and --var-file are ignored with a plan: its variables were fixed when it was made")
	}
	var baseline *report.Baseline
	if st.baseline != "" {
		if baseline, err = readBaseline(st.baseline); err != nil {
			return err
		}
	}

	// Inputs are analysed concurrently, at most GOMAXPROCS at a time, and
	// reported in argument order.
	runs := make([]*report.Run, len(inputs))
	warnings := make([][]string, len(inputs))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, in := range inputs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			defer func() {
				// A bug must end the run with one line, not a stack trace
				// (a panic in this goroutine would kill the process).
				if p := recover(); p != nil {
					runs[i] = &report.Run{Input: in.name, Err: fmt.Sprintf("%s: internal error (a bug in lbguard; please report it): %v", in.name, p)}
				}
			}()
			runs[i], warnings[i] = analyse(in, st, baseline, e)
		}()
	}
	wg.Wait()
	for i, ws := range warnings {
		for _, w := range ws {
			if len(inputs) > 1 {
				w = inputs[i].name + ": " + w
			}
			e.warn("%s", w)
		}
	}
	root := st.root
	if root == "" {
		base := e.dir
		if len(inputs) > 0 && inputs[0].path != "-" {
			base = inputs[0].path
			if !inputs[0].isDir {
				base = filepath.Dir(base)
			}
		}
		root = repoRoot(base, e)
	}
	for i, r := range runs {
		placeRun(r, inputs[i], root)
	}
	rep := &report.Report{Runs: runs, Version: toolVersion(), Settings: st.origins}
	rep.ExitCode = exitCodeOf(rep)
	if len(inputs) == 1 && runs[0].Err != "" {
		// One unusable input: its problem is the whole answer, and no
		// output file is written.
		return &exitErr{code: exitError, lines: strings.Split(runs[0].Err, "\n")}
	}
	if err := st.format(e.stdout, rep, report.Options{Color: st.color, Verbose: st.verbose, Width: st.width}); err != nil {
		return &exitErr{code: exitError, msg: "writing the report: " + err.Error()}
	}
	if rep.ExitCode != exitError {
		for _, o := range st.outputs {
			if err := writeOutput(o, rep); err != nil {
				return err
			}
		}
	}
	for _, r := range runs {
		if r.Err != "" {
			for _, l := range strings.Split(r.Err, "\n") {
				fmt.Fprintln(e.stderr, "lbguard: "+l)
			}
		}
	}
	code := rep.ExitCode
	if after != nil {
		if code, err = after(rep); err != nil {
			return err
		}
	}
	if code != exitOK {
		return &exitErr{code: code}
	}
	return nil
}

// parseInputs turns check's arguments into inputs: plans, "-", and
// directories (a .tf, .tf.json, .tfvars or .lbguard.hcl file stands for its
// directory; each directory once).
func parseInputs(args []string, e *env) ([]input, error) {
	if len(args) == 0 {
		return nil, usageErr("check needs what to check: a plan file (terraform show -json PLANFILE > plan.json), - for standard input, or a directory of .tf files")
	}
	var out []input
	seen := map[string]bool{}

	for _, a := range args {
		if a == "" {
			return nil, usageErr("check was given an empty argument (an unset variable in the command line?)")
		}
		if a == "-" {
			if seen["-"] {
				return nil, usageErr("standard input (-) can be given only once")
			}
			seen["-"] = true
			if e.isTTYIn(e.stdin) {
				fmt.Fprintln(e.stderr, "lbguard: waiting for a plan on standard input (terraform show -json PLANFILE | lbguard check -); Ctrl-D ends it")
			}
			out = append(out, input{name: "-", path: "-"})
			continue
		}
		path := a
		isDir, implied := false, false
		if st, err := os.Stat(a); err == nil && st.IsDir() {
			isDir = true
		} else if standsForDir(a) {
			path, isDir, implied = filepath.Dir(a), true, true
			if !tfsrc.HasSources(path) {
				continue
			}
		}
		name := normalise(path)
		if seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, input{name: name, path: path, isDir: isDir, implied: implied})
	}
	return out, nil
}

// standsForDir reports the files that stand for their directory.
func standsForDir(path string) bool {
	base := filepath.Base(path)
	for _, suffix := range []string{".tf", ".tf.json", ".tfvars", ".tfvars.json"} {
		if strings.HasSuffix(base, suffix) {
			return true
		}
	}
	return base == config.DefaultFile
}

// normalise writes a path relative to the current directory when it lies
// inside it, cleaned, with forward slashes.
func normalise(p string) string {
	if filepath.IsAbs(p) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
				p = rel
			}
		}
	}
	return filepath.ToSlash(filepath.Clean(p))
}

// relativeToCwd writes a path found by lbguard (not given by the user)
// relative to the current directory, even above it: never absolute, so
// reports are the same on every machine.
func relativeToCwd(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	wd, err := os.Getwd()
	if err != nil {
		return filepath.ToSlash(p)
	}
	rel, err := filepath.Rel(wd, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	return filepath.ToSlash(rel)
}

// analyse checks one input with its own configuration and gate. A problem
// that makes the input unusable is the run's Err.
func analyse(in input, st *settings, baseline *report.Baseline, e *env) (*report.Run, []string) {
	r := &report.Run{Input: in.name, Version: toolVersion()}
	var warnings []string
	fail := func(err error) (*report.Run, []string) {
		var ee *exitErr
		switch {
		case errors.As(err, &ee) && len(ee.lines) > 0:
			r.Err = strings.Join(append(nonEmpty(ee.msg), ee.lines...), "\n")
		case errors.As(err, &ee):
			r.Err = ee.msg
		default:
			r.Err = oneLine(err.Error())
		}
		return r, warnings
	}
	g, srcDir, ws, err := loadGraph(in, st, e)
	warnings = append(warnings, ws...)
	if err != nil {
		return fail(err)
	}
	r.SourceDir = srcDir
	base := srcDir
	switch {
	case base != "":
	case in.isDir:
		base = in.path
	case in.path != "-":
		base = filepath.Dir(in.path)
	default:
		base = e.dir
	}
	cfgPath, err := findConfig(st.config, base, e)
	if err != nil {
		return fail(err)
	}
	var cfg *config.Config
	if cfgPath != "" {
		if cfg, err = loadConfig(cfgPath); err != nil {
			return fail(err)
		}
		r.ConfigFile = relativeToCwd(cfgPath)
	}
	list, ruleSettings := checks.All, checks.Settings{}
	if cfg != nil {
		list, ruleSettings = cfg.Apply(list), cfg.Settings
	}
	list = selectRules(list, st)
	failOnName := "medium"
	switch {
	case st.failOn != "":
		failOnName = st.failOn
	case cfg != nil && cfg.FailOn != "":
		failOnName = cfg.FailOn
	}
	r.FailOn, _ = report.ParseThreshold(failOnName) // checked by config and checkSettings
	r.Strict = st.strict
	res, err := checks.Run(g, list, ruleSettings)
	if err != nil {
		return fail(&exitErr{code: exitError, msg: err.Error()})
	}
	supp := checks.Suppressions{
		Comments:     g.Suppressions,
		Baseline:     baseline.For(in.name),
		BaselineFile: st.baseline,
		Today:        e.now(),
		Known:        ruleExists,
		Meta:         func(id string) *checks.Meta { m, _ := checks.Lookup(id); return &m },
	}
	if cfg != nil {
		supp.Ignores = placeIgnores(cfg.Ignores, cfgPath, srcDir, repoRoot(base, e))
		supp.Meta = func(id string) *checks.Meta { m, _ := checks.Lookup(id); return cfg.Meta(m) }
	}
	res.Suppress(supp)
	r.Result, r.Graph = res, g
	return r, warnings
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// placeIgnores names the configuration file in its findings (LBG001,
// LBG002) by its path from the repository root, whatever way it was
// spelled, and places them relative to the sources' directory as every
// location is.
func placeIgnores(igs []checks.Ignore, cfgPath, srcDir, root string) []checks.Ignore {
	abs, _ := filepath.Abs(cfgPath)
	name := filepath.ToSlash(filepath.Base(abs))
	if rel, err := filepath.Rel(root, abs); err == nil && !strings.HasPrefix(rel, "..") {
		name = filepath.ToSlash(rel)
	}
	file := normalise(cfgPath)
	if srcDir != "" {
		if absSrc, err := filepath.Abs(srcDir); err == nil {
			if rel, err := filepath.Rel(absSrc, abs); err == nil {
				file = filepath.ToSlash(rel)
			}
		}
	}
	out := make([]checks.Ignore, len(igs))
	for i, ig := range igs {
		ig.File = name
		if ig.Location != nil {
			loc := *ig.Location
			loc.File = file
			ig.Location = &loc
		}
		out[i] = ig
	}
	return out
}

// loadGraph reads a plan, or the sources in a directory. For a plan the
// sources (--source, else the plan's directory, else the current one, when
// their .tf files declare the plan's resources) add locations, locals and
// suppressions. It returns the sources' directory ("" when none).
func loadGraph(in input, st *settings, e *env) (*plan.Graph, string, []string, error) {
	opts := tfsrc.Options{VarFiles: st.varFiles, Vars: st.vars, Getenv: e.getenv}
	if in.isDir {
		if !tfsrc.HasSources(in.path) {
			return nil, "", nil, &exitErr{code: exitError, msg: fmt.Sprintf("%s: a directory without .tf or .tf.json files: give a plan JSON file, or a directory of Terraform sources", in.name)}
		}
		opts.StrictReferences = true
		src, err := tfsrc.Load(in.path, opts)
		if err != nil {
			return nil, "", nil, sourceError(err)
		}
		g, err := src.Graph()
		if err != nil {
			return nil, "", nil, linkError(err)
		}
		return g, in.name, nil, nil
	}
	li, err := tfplan.Decode(in.path, e.stdin)
	if err != nil {
		var ie *tfplan.InputError
		if errors.As(err, &ie) {
			return nil, "", nil, &exitErr{code: exitError, msg: oneLine(ie.Error())}
		}
		return nil, "", nil, err
	}
	opts.Vars, opts.VarFiles = nil, nil // a plan's variables are fixed
	opts.PlanVariables = li.Variables
	var src *tfsrc.Sources
	var srcDir string
	var warnings []string
	if st.source != "" {
		if src, err = tfsrc.Load(st.source, opts); err != nil {
			return nil, "", nil, sourceError(err)
		}
		if !src.Declares(li) {
			warnings = append(warnings, fmt.Sprintf("the .tf files in %s do not declare the plan's resources: their locations, locals and lbguard:ignore comments are not used", st.source))
			src = nil
		} else {
			srcDir = normalise(st.source)
		}
	} else {
		var candidates []string
		if in.path != "-" {
			candidates = append(candidates, filepath.Dir(in.path))
		}
		candidates = append(candidates, e.dir)
		tried := map[string]bool{}
		for _, dir := range candidates {
			abs, _ := filepath.Abs(dir)
			if tried[abs] || !tfsrc.HasSources(dir) {
				continue
			}
			tried[abs] = true
			s, err := tfsrc.Load(dir, opts)
			if err != nil {
				warnings = append(warnings, fmt.Sprintf("the .tf files in %s were not used: %s", normalise(dir), oneLine(err.Error())))
				continue
			}
			if s.Declares(li) {
				src, srcDir = s, normalise(dir)
				break
			}
		}
	}
	lopts := link.Options{Kind: "plan", Path: displayPath(in.path)}
	if src != nil {
		lopts.Locals, lopts.Evaluated = src, src.Evaluated()
	}
	g, err := link.Build(li, lopts)
	if err != nil {
		return nil, "", warnings, linkError(err)
	}
	if src != nil {
		src.Attach(g)
	}
	return g, srcDir, warnings, nil
}

func linkError(err error) error {
	var le *link.Error
	if errors.As(err, &le) {
		return &exitErr{code: exitError, msg: oneLine(le.Error())}
	}
	return err
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

// repoRoot is the nearest ancestor of dir holding .git, else the current
// directory.
func repoRoot(dir string, e *env) string {
	abs, err := filepath.Abs(dir)
	if err == nil {
		for d := abs; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
				return d
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	cwd, _ := filepath.Abs(e.dir)
	return cwd
}

// findConfig finds the configuration of what is checked in dir: --config
// when given; else .lbguard.hcl in dir, then in its parents up to the
// repository root, then in the current directory. "" when there is none.
func findConfig(flag, dir string, e *env) (string, error) {
	if flag != "" {
		return flag, nil
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", nil
	}
	root := repoRoot(dir, e)
	for d := abs; ; d = filepath.Dir(d) {
		p := filepath.Join(d, config.DefaultFile)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if d == root || filepath.Dir(d) == d || !strings.HasPrefix(abs, root) {
			break
		}
	}
	p := filepath.Join(e.dir, config.DefaultFile)
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	return "", nil
}

func loadConfig(path string) (*config.Config, error) {
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

// ruleID resolves a rule given by ID (any case) or by name.
func ruleID(s string) (string, bool) {
	if m, ok := checks.Lookup(strings.ToUpper(s)); ok {
		return m.ID, true
	}
	for _, m := range checks.Catalogue(checks.All) {
		if m.Name == strings.ToLower(s) {
			return m.ID, true
		}
	}
	return "", false
}

// selectRules applies --enable-rule, --disable-rule and --only, which win
// over the configuration file.
func selectRules(configured []checks.Check, st *settings) []checks.Check {
	var out []checks.Check
	for _, c := range checks.All {
		on := slices.ContainsFunc(configured, func(x checks.Check) bool { return x.ID == c.ID })
		if st.enable[c.ID] {
			on = true
		}
		if st.disable[c.ID] {
			on = false
		}
		if len(st.only) > 0 {
			on = st.only[c.ID]
		}
		if !on {
			continue
		}
		if i := slices.IndexFunc(configured, func(x checks.Check) bool { return x.ID == c.ID }); i >= 0 {
			c = configured[i] // with its configured severity
		}
		out = append(out, c)
	}
	return out
}

// exitCodeOf is the exit status of a report: 2 when an input was unusable,
// 1 when one fails its gate.
func exitCodeOf(rep *report.Report) int {
	for _, r := range rep.Runs {
		if r.Err != "" {
			return exitError
		}
	}
	if rep.Failed() {
		return exitFindings
	}
	return exitOK
}

// placeRun gives a run's locations their path from the repository root,
// and the run the path of its plan, for the formats that need them.
func placeRun(r *report.Run, in input, root string) {
	rel := func(p string) string {
		abs, err := filepath.Abs(p)
		if err != nil {
			return ""
		}
		out, err := filepath.Rel(root, abs)
		if err != nil || strings.HasPrefix(out, "..") {
			return "" // outside the repository: never an absolute path
		}
		return filepath.ToSlash(out)
	}
	if !in.isDir && in.path != "-" {
		r.PlanPath = rel(in.path)
	}
	if r.Result == nil {
		return
	}
	for i, f := range r.Result.Findings {
		if f.Location == nil {
			continue
		}
		loc := *f.Location
		loc.Path = rel(report.DisplayPath(r.SourceDir, loc.File))
		r.Result.Findings[i].Location = &loc
	}
}
