package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/lbguard/lbguard/report"
)

// output is one --output FORMAT=PATH.
type output struct {
	format string
	path   string
}

// parseOutputs checks --output values (and --write-baseline, which is
// --output json=PATH) before anything is read: a known format, a path that
// is not "-", whose directory exists, and no two outputs to one path.
func parseOutputs(values []string, writeBaseline string) ([]output, error) {
	if writeBaseline != "" {
		values = append(values, "json="+writeBaseline)
	}
	var out []output
	seen := map[string]string{}
	for _, v := range values {
		name, path, ok := strings.Cut(v, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		if !ok || path == "" {
			return nil, usageErr("--output %q: want FORMAT=PATH, e.g. --output sarif=lbguard.sarif", v)
		}
		if _, known := report.Formats[name]; !known {
			return nil, usageErr("--output %q: unknown format %q: want one of %s", v, name, words(report.FormatNames()))
		}
		if path == "-" {
			return nil, usageErr("--output %q: standard output takes --format; give --output a file", v)
		}
		dir := filepath.Dir(path)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return nil, usageErr("--output %q: the directory %s does not exist", v, dir)
		}
		abs, _ := filepath.Abs(path)
		if other, dup := seen[abs]; dup {
			return nil, usageErr("--output %q and %q write the same file", other, v)
		}
		seen[abs] = v
		out = append(out, output{format: name, path: path})
	}
	return out, nil
}

// writeOutput writes one output file whole: to a temporary file beside it,
// then renamed into place, so that no reader ever sees half a report.
func writeOutput(o output, rep *report.Report) error {
	var buf bytes.Buffer
	if err := report.Formats[o.format](&buf, rep, report.Options{}); err != nil {
		return &exitErr{code: exitError, msg: fmt.Sprintf("--output %s=%s: %v", o.format, o.path, err)}
	}
	tmp, err := os.CreateTemp(filepath.Dir(o.path), "."+filepath.Base(o.path)+".*.tmp")
	if err != nil {
		return &exitErr{code: exitError, msg: fmt.Sprintf("--output %s=%s: %s", o.format, o.path, describeErr(err))}
	}
	_, werr := tmp.Write(buf.Bytes())
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), o.path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return &exitErr{code: exitError, msg: fmt.Sprintf("--output %s=%s: %s", o.format, o.path, describeErr(werr))}
	}
	return nil
}
