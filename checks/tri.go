// Three-valued logic: what the plan proves (no, maybe, yes).

package checks

// tri is what the plan proves: no, yes, or maybe (it cannot tell).
type tri int

const (
	no tri = iota
	maybe
	yes
)

func both(a, b tri) tri {
	if a < b {
		return a
	}
	return b
}

func boolTri(b bool) tri {
	if b {
		return yes
	}
	return no
}
