package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/agext/levenshtein"

	"github.com/lbguard/lbguard/internal/safetext"
	"github.com/urfave/cli/v2"
)

// version is set at build time (-ldflags "-X main.version=v1.2.3"); else
// the module version from go install, else "dev".
var version = ""

func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// Exit codes.
const (
	exitOK       = 0
	exitFindings = 1
	exitError    = 2
)

// exitErr ends a run with a code; msg and lines (if any) are printed, one
// problem per line.
type exitErr struct {
	code  int
	msg   string
	lines []string
}

func (e *exitErr) Error() string { return e.msg }

func usageErr(format string, args ...any) error {
	return &exitErr{code: exitError, msg: fmt.Sprintf(format, args...)}
}

// env is what the commands read from the outside world; tests replace it.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	isTTY  func(io.Writer) bool
	now    func() time.Time
	dir    string // where default sources and the configuration are looked for
	// isTTYIn reports whether standard input is a terminal; width is the
	// terminal's width (0: unknown); lookupEnv reads the environment.
	isTTYIn   func(any) bool
	width     func() int
	lookupEnv func(string) (string, bool)
	args      []string
	// sleep waits between API retries; nil is time.Sleep.
	sleep func(time.Duration)
}

func (e *env) warn(format string, args ...any) {
	fmt.Fprintln(e.stderr, "lbguard: warning: "+safetext.Escape(fmt.Sprintf(format, args...)))
}

// run runs lbguard with args and returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runEnv(args, &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv, isTTY: isTerminal, now: time.Now, dir: ".",
		isTTYIn: isTerminalIn, width: func() int { return terminalWidth(os.Getenv) }, lookupEnv: os.LookupEnv})
}

func runEnv(args []string, e *env) int {
	if e.isTTYIn == nil {
		e.isTTYIn = func(any) bool { return false }
	}
	if e.width == nil {
		e.width = func() int { return 0 }
	}
	if e.lookupEnv == nil {
		e.lookupEnv = func(k string) (string, bool) { v := e.getenv(k); return v, v != "" }
	}
	e.args = args
	// --version and -v alone print the version; anywhere else they are a
	// usage error: "lbguard -v check plan.json" must never pass unchecked.
	for i, a := range args[1:] {
		if a == "-v" || a == "--version" || a == "-version" {
			if len(args) == 2 {
				fmt.Fprintln(e.stdout, "lbguard", toolVersion())
				return exitOK
			}
			fmt.Fprintf(e.stderr, "lbguard: %s prints the version and goes alone (lbguard %s); it checks nothing: remove it (argument %d)\n", a, a, i+1)
			return exitError
		}
		if a == "--" {
			break
		}
	}
	app := newApp(e)
	err := app.Run(flagsFirst(app, args))
	if err == nil {
		return exitOK
	}
	var ee *exitErr
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(e.stderr, "lbguard: "+safetext.Escape(ee.msg))
		}
		for _, l := range ee.lines {
			fmt.Fprintln(e.stderr, "lbguard: "+safetext.Escape(l))
		}
		return ee.code
	}
	fmt.Fprintln(e.stderr, "lbguard: "+safetext.Escape(oneLine(err.Error())))
	return exitError
}

// flagsFirst moves a command's flags ahead of its arguments, so that
// "lbguard check plan.json --format json" means what it says: urfave/cli
// v2 stops reading flags at the first argument. Bool flags take no value,
// the others the next word unless written --name=value; "--" ends the
// flags, and "-" (standard input) is an argument.
func flagsFirst(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	cmd := app.Command(args[1])
	if cmd == nil {
		return args
	}
	first := 2 // the first word after the command
	if len(cmd.Subcommands) > 0 && len(args) > 2 {
		if sub := cmd.Command(args[2]); sub != nil {
			cmd, first = sub, 3
		}
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	var flags, rest []string
	for i := first; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			rest = append(rest, args[i:]...) // "--" stays: what follows are arguments
			i = len(args)
		case len(a) > 1 && a[0] == '-':
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if takesValue[name] && !strings.Contains(name, "=") {
				if i+1 == len(args) {
					// The value is missing: let cli say so.
					return append(append([]string{}, args[:first]...), flags...)
				}
				i++
				flags = append(flags, args[i])
			}
		default:
			rest = append(rest, a)
		}
	}
	if len(flags) == 0 {
		return args
	}
	return append(append(append([]string{}, args[:first]...), flags...), rest...)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func newApp(e *env) *cli.App {
	app := &cli.App{
		Name:      "lbguard",
		Usage:     "check a Terraform plan's AWS load balancers before apply",
		Version:   toolVersion(),
		Reader:    e.stdin,
		Writer:    e.stdout,
		ErrWriter: e.stderr,
		Commands: []*cli.Command{
			checkCommand(e),
			rulesCommand(e),
			explainCommand(e),
			versionCommand(e),
			completionCommand(e),
			graphCommand(e),
			commentCommand(e),
		},
		HideHelpCommand:      true,
		HideVersion:          true,
		Suggest:              true,
		EnableBashCompletion: true,
		// Exit codes are decided by run, never by os.Exit inside cli.
		ExitErrHandler: func(*cli.Context, error) {},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageErr("%s%s (lbguard --help shows the usage)", err, suggestFlag(err, nil))
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return usageErr("unknown command %q%s (lbguard --help lists the commands)", c.Args().First(), suggest(c.Args().First(), commandNames(c.App)))
			}
			return cli.ShowAppHelp(c)
		},
	}
	all := append([]*cli.Command(nil), app.Commands...)
	for _, cmd := range app.Commands {
		for _, sub := range cmd.Subcommands {
			sub.HelpName = cmd.Name + " " + sub.Name
			all = append(all, sub)
		}
	}
	for _, cmd := range all {
		name := cmd.Name
		if cmd.HelpName != "" {
			name = cmd.HelpName
		}
		cmd.HideHelpCommand = true
		// One line, like every other error; not the whole help.
		flags := cmd.Flags
		cmd.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
			return usageErr("%s: %s%s (lbguard %s --help shows the usage)", name, err, suggestFlag(err, flags), name)
		}
	}
	return app
}

func commandNames(app *cli.App) []string {
	var out []string
	for _, c := range app.Commands {
		out = append(out, c.Name)
	}
	return out
}

// suggest returns "; did you mean X?" for the nearest of choices, when one
// is near enough.
func suggest(got string, choices []string) string {
	best, bestDist := "", 0
	for _, c := range choices {
		d := levenshtein.Distance(strings.ToLower(got), c, nil)
		if best == "" || d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" || bestDist > 2+len(best)/4 {
		return ""
	}
	return "; did you mean " + best + "?"
}

// suggestFlag suggests the nearest flag for an unknown one.
func suggestFlag(err error, flags []cli.Flag) string {
	_, name, ok := strings.Cut(err.Error(), "flag provided but not defined: ")
	if !ok {
		return ""
	}
	name = strings.TrimLeft(name, "-")
	var choices []string
	for _, f := range flags {
		for _, n := range f.Names() {
			if len(n) > 1 {
				choices = append(choices, n)
			}
		}
	}
	if s := suggest(name, choices); s != "" {
		return strings.Replace(s, "mean ", "mean --", 1)
	}
	return ""
}
