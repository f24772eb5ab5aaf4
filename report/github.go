package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/lbguard/lbguard/checks"
)

// GitHub writes GitHub Actions workflow commands, so that findings appear
// on the pull request's diff: ::error for high, ::warning for medium,
// ::notice for low and info; suppressed findings are not annotated. Every
// value is escaped as the runner requires, so no plan content can end the
// command or start another.
func GitHub(w io.Writer, rep *Report, _ Options) error {
	for _, r := range rep.Runs {
		if r.Err != "" {
			if _, err := fmt.Fprintf(w, "::error title=%s::%s\n", ghProperty("lbguard: unusable input "+r.Input), ghData(r.Err)); err != nil {
				return err
			}
			continue
		}
		for _, f := range r.Result.Findings {
			if f.Suppressed != nil {
				continue
			}
			cmd := "notice"
			switch f.Severity {
			case checks.High:
				cmd = "error"
			case checks.Medium:
				cmd = "warning"
			}
			props := []string{}
			if path, line, col := r.place(f.Location); path != "" {
				props = append(props, "file="+ghProperty(path), fmt.Sprintf("line=%d", line))
				if col > 0 {
					props = append(props, fmt.Sprintf("col=%d", col))
				}
			}
			props = append(props, "title="+ghProperty(fmt.Sprintf("%s %s (%s): %s", f.Rule, f.Name, f.Severity, f.Address)))
			msg := f.Message + "\nFix: " + f.Remediation + "\n(lbguard explain " + f.Rule + ")"
			if _, err := fmt.Fprintf(w, "::%s %s::%s\n", cmd, strings.Join(props, ","), ghData(msg)); err != nil {
				return err
			}
		}
	}
	return nil
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
