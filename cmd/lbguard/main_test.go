package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	version = "test" // reports carry the tool version; keep goldens stable
	os.Exit(m.Run())
}

// result is what one in-process run of lbguard produced.
type result struct {
	code   int
	stdout string
	stderr string
}

// lbguard runs the CLI in-process, as a user would run it, with no
// terminal and no environment unless given.
func lbguard(t *testing.T, stdin io.Reader, environ map[string]string, args ...string) result {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb bytes.Buffer
	code := runEnv(append([]string{"lbguard"}, args...), &env{
		stdin:  stdin,
		stdout: &out,
		stderr: &errb,
		getenv: func(k string) string { return environ[k] },
		isTTY:  func(io.Writer) bool { return environ["TEST_TTY"] == "1" },
	})
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}
