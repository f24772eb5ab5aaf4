// Package plan is lbguard's model of the world after apply: load balancers,
// listeners, listener rules, target groups, targets, security groups and the
// links between them. The loaders (plan/tfplan for plan JSON, plan/tfsrc for
// .tf sources) read their input, plan/link builds a Graph from it, and checks
// read the Graph. The package knows nothing about JSON, HCL or rules.
package plan

import (
	"fmt"
	"strconv"
)

// Value is a planned value that may be unknown until apply. The zero Value is
// unknown: a port that is "known after apply" is never mistaken for port 0.
type Value[T comparable] struct {
	V         T
	Known     bool
	Sensitive bool // the plan marks the value sensitive: never print V
}

// Known returns a known value.
func Known[T comparable](v T) Value[T] { return Value[T]{V: v, Known: true} }

// Unknown returns a value that is known only after apply.
func Unknown[T comparable]() Value[T] { return Value[T]{} }

// Is reports whether the value is known and equal to x.
func (v Value[T]) Is(x T) bool { return v.Known && v.V == x }

// String renders the value for people: sensitive values are hidden and
// unknown ones say so.
func (v Value[T]) String() string {
	switch {
	case v.Sensitive:
		return "(sensitive)"
	case !v.Known:
		return "(known after apply)"
	}
	switch x := any(v.V).(type) {
	case string:
		return x
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return fmt.Sprint(v.V)
}
