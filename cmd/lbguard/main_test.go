package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	version = "test" // reports carry the tool version; keep goldens stable
	os.Exit(m.Run())
}

// testToday is "today" for the tests (config ignores expire).
var testToday = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// testDir is the working directory of a test run: TEST_DIR, else a
// directory without sources or configuration.
func testDir(environ map[string]string) string {
	if d := environ["TEST_DIR"]; d != "" {
		return d
	}
	return "testdata"
}

// result is what one in-process run of lbguard produced.
type result struct {
	code   int
	stdout string
	stderr string
}

// slept records the waits between API retries (none really happens).
var slept []time.Duration

// lbguard runs the CLI in-process, as a user would run it, with no
// terminal and no environment unless given.
func lbguard(t *testing.T, stdin io.Reader, environ map[string]string, args ...string) result {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb bytes.Buffer
	code := runEnv(append([]string{"lbguard"}, args...), &env{
		stdin:   stdin,
		stdout:  &out,
		stderr:  &errb,
		getenv:  func(k string) string { return environ[k] },
		isTTY:   func(io.Writer) bool { return environ["TEST_TTY"] == "1" },
		now:     func() time.Time { return testToday },
		dir:     testDir(environ),
		isTTYIn: func(any) bool { return environ["TEST_TTYIN"] == "1" },
		sleep:   func(d time.Duration) { slept = append(slept, d) },
		lookupEnv: func(k string) (string, bool) {
			v, ok := environ[k]
			return v, ok
		},
	})
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}
