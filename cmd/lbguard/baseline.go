package main

import (
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

func describeErr(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}
