package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/lbguard/lbguard/report"
)

func readBaseline(path string) (*report.Baseline, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &exitErr{code: exitError, msg: fmt.Sprintf("--baseline %s: %v", path, describeErr(err))}
	}
	defer f.Close()
	b, err := report.ReadBaseline(f)
	if err != nil {
		return nil, &exitErr{code: exitError, msg: fmt.Sprintf("--baseline %s: %v", path, err)}
	}
	return b, nil
}

// writeBaseline writes the run's JSON report, whatever the output format.
func writeBaseline(path string, r *report.Report) error {
	var buf bytes.Buffer
	if err := report.JSON(&buf, r, report.Options{}); err != nil {
		return &exitErr{code: exitError, msg: "writing the baseline: " + err.Error()}
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return &exitErr{code: exitError, msg: fmt.Sprintf("--write-baseline %s: %v", path, describeErr(err))}
	}
	return nil
}

func describeErr(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}
