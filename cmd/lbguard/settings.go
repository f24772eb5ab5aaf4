package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/lbguard/lbguard/report"
)

// settings are check's flags, validated, with where each came from.
type settings struct {
	format        report.Format
	color         bool
	width         int
	verbose       bool
	strict        bool
	failOn        string // "" when neither the flag nor LBGUARD_FAIL_ON set it
	source        string
	config        string
	baseline      string
	writeBaseline string
	outputs       []output
	root          string
	vars          []string
	varFiles      []string
	enable        map[string]bool
	disable       map[string]bool
	only          map[string]bool
	// origins say, for --verbose, each setting in effect and its source.
	origins []string
}

// checkSettings validates check's flags. Enumerations are case-insensitive;
// a wrong value is a usage error that lists the choices.
func checkSettings(c *cli.Context, e *env) (*settings, error) {
	st := &settings{
		verbose: c.Bool("verbose"), strict: c.Bool("strict"),
		source: c.String("source"), config: c.String("config"),
		baseline: c.String("baseline"), writeBaseline: c.String("write-baseline"),
		vars: c.StringSlice("var"), varFiles: c.StringSlice("var-file"),
	}
	if st.root = c.String("root"); st.root != "" {
		abs, err := filepath.Abs(st.root)
		if err != nil {
			return nil, usageErr("--root %s: %v", st.root, err)
		}
		if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
			return nil, usageErr("--root %s: not a directory", st.root)
		}
		st.root = abs
	}
	outs, err := parseOutputs(c.StringSlice("output"), st.writeBaseline)
	if err != nil {
		return nil, err
	}
	st.outputs = outs
	formatName := strings.ToLower(c.String("format"))
	format, ok := report.Formats[formatName]
	if !ok {
		return nil, usageErr("--format %q: want one of %s", c.String("format"), words(report.FormatNames()))
	}
	st.format = format
	if st.color, err = useColor(strings.ToLower(c.String("color")), e); err != nil {
		return nil, err
	}
	if st.color || e.isTTY(e.stdout) {
		st.width = e.width()
	}
	if c.IsSet("fail-on") {
		st.failOn = strings.ToLower(c.String("fail-on"))
		if _, err := report.ParseThreshold(st.failOn); err != nil {
			return nil, usageErr("--fail-on %q: want one of info, low, medium, high, never", c.String("fail-on"))
		}
	}
	for _, sel := range []struct {
		flag string
		into *map[string]bool
	}{{"enable-rule", &st.enable}, {"disable-rule", &st.disable}, {"only", &st.only}} {
		*sel.into = map[string]bool{}
		for _, v := range c.StringSlice(sel.flag) {
			for _, r := range strings.Split(v, ",") {
				r = strings.TrimSpace(r)
				if r == "" {
					continue
				}
				id, ok := ruleID(r)
				if !ok {
					return nil, usageErr("--%s %q: not a rule ID or name (lbguard rules lists them)", sel.flag, r)
				}
				(*sel.into)[id] = true
			}
		}
	}
	// Where each setting came from: the flag, its environment variable,
	// or the default (the configuration file is said per input).
	for _, f := range c.Command.Flags {
		name := f.Names()[0]
		if !c.IsSet(name) {
			continue
		}
		from := "flag --" + name
		if ev, ok := f.(interface{ GetEnvVars() []string }); ok && !flagGiven(e.args, f.Names()) {
			for _, v := range ev.GetEnvVars() {
				if _, set := e.lookupEnv(v); set {
					from = "environment " + v
				}
			}
		}
		st.origins = append(st.origins, fmt.Sprintf("%s = %s (%s)", name, flagValue(c, name), from))
	}
	sort.Strings(st.origins)
	return st, nil
}

// flagGiven reports whether a flag (by any of its names) is on the command
// line, not only in the environment.
func flagGiven(args []string, names []string) bool {
	for _, a := range args {
		if a == "--" {
			break
		}
		for _, n := range names {
			dash := "--" + n
			if len(n) == 1 {
				dash = "-" + n
			}
			if a == dash || strings.HasPrefix(a, dash+"=") {
				return true
			}
		}
	}
	return false
}

func flagValue(c *cli.Context, name string) string {
	if v := c.StringSlice(name); len(v) > 0 {
		return strings.Join(v, ",")
	}
	if v := c.Value(name); v != nil {
		if b, ok := v.(bool); ok {
			return strconv.FormatBool(b)
		}
		return fmt.Sprint(v)
	}
	return ""
}

// words renders choices for people: "text, json or sarif".
func words(list []string) string {
	switch len(list) {
	case 0:
		return ""
	case 1:
		return list[0]
	}
	return strings.Join(list[:len(list)-1], ", ") + " or " + list[len(list)-1]
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
	return false, usageErr("--color %q: want one of auto, always or never", mode)
}

// terminalWidth is the width of the terminal on standard output: COLUMNS
// when set, else what the terminal says, else 0 (no wrapping).
func terminalWidth(getenv func(string) string) int {
	if n, err := strconv.Atoi(getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil && w > 0 {
		return w
	}
	return 0
}
