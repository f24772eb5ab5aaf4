package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Compact writes one line per finding that is not suppressed, the form
// editors, reviewdog and grep expect: FILE:LINE:COL: SEVERITY RULE ADDRESS:
// message, with the file relative to the current directory; without a
// place in the sources, the plan (PLAN: ...). Then one line per unusable
// input.
func Compact(out io.Writer, rep *Report, _ Options) error {
	w := bufio.NewWriter(out)
	for _, r := range rep.Runs {
		if r.Err != "" {
			fmt.Fprintf(w, "%s: error: %s\n", r.escapedInput(), oneLineText(r.Err))
			continue
		}
		er := r.escaped()
		for _, f := range er.Result.Findings {
			if f.Suppressed != nil {
				continue
			}
			where := er.Input
			if f.Location != nil {
				where = fmt.Sprintf("%s:%d:%d", DisplayPath(er.SourceDir, f.Location.File), f.Location.Line, f.Location.Column)
			}
			fmt.Fprintf(w, "%s: %s %s %s: %s\n", where, strings.ToUpper(f.Severity.String()), f.Rule, f.Address, f.Message)
		}
	}
	return w.Flush()
}

func (r *Run) escapedInput() string { return r.escaped().Input }

func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }
