// Package tfplan reads a Terraform (or OpenTofu) plan in JSON form, the
// output of `terraform show -json PLANFILE`, into the input of plan/link,
// which builds lbguard's graph from it.
package tfplan

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/hashicorp/go-version"

	"github.com/lbguard/lbguard/plan/link"
)

// Decode reads the plan at path ("-" reads stdin) into the linker's input.
// Errors about the input are *InputError with the path set.
func Decode(path string, stdin io.Reader) (*link.Input, error) {
	var r io.Reader
	if path == "-" {
		r = stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return nil, &InputError{Path: path, Msg: describeOpenError(err)}
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return nil, &InputError{Path: path, Msg: "is a directory, not a plan file"}
		}
		r = f
	}
	in, err := Read(r)
	if err != nil {
		var ie *InputError
		if errors.As(err, &ie) {
			ie.Path = displayPath(path)
			if path != "-" && ie.Offset > 0 {
				ie.Line, ie.Column = lineColumn(path, ie.Offset)
			}
			return nil, ie
		}
		return nil, fmt.Errorf("%s: %w", displayPath(path), err)
	}
	return in, nil
}

func displayPath(path string) string {
	if path == "-" {
		return "<stdin>"
	}
	return path
}

func describeOpenError(err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return "no such file"
	case errors.Is(err, os.ErrPermission):
		return "permission denied"
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// lineColumn finds the line and column of a byte offset of the decoded
// text of a file; zeros when the file cannot be read again.
func lineColumn(path string, offset int64) (int, int) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	r, _, err := decodeText(f)
	if err != nil {
		return 0, 0
	}
	buf := make([]byte, 64<<10)
	line, col := 1, 1
	var pos int64
	for pos < offset {
		n, err := r.Read(buf)
		for _, c := range buf[:n] {
			if pos >= offset {
				break
			}
			pos++
			if c == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		if err != nil {
			break
		}
	}
	// Offsets point just past the offending byte.
	if col > 1 {
		col--
	}
	return line, col
}

// Read decodes the plan JSON read from r into the linker's input.
// Errors about the input are *InputError without a path.
func Read(r io.Reader) (*link.Input, error) {
	in, err := decode(r)
	if err != nil {
		return nil, err
	}
	in.OldConfig = oldConfigFormat(in.TerraformVersion)
	return in, nil
}

// oldConfigFormat reports whether a Terraform version is older than 1.1,
// whose configuration leaves block-syntax arguments such as ingress {} out.
func oldConfigFormat(terraformVersion string) bool {
	v, err := version.NewVersion(terraformVersion)
	if err != nil {
		return true
	}
	return v.LessThan(version.Must(version.NewVersion("1.1.0")))
}
