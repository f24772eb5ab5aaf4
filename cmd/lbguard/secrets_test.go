package main

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// planter plants secrets in the values of a plan: every number below
// 10,000 becomes base+n (order kept, so ranges stay ranges), every string
// holding such a number too, every CIDR a unique one of secretNet, and every
// other string with a digit or a colon (IDs, ARNs, names, policies) gets tag
// appended. Words without digits (protocols, types, traffic-port) are kept,
// so that the rules still decide as they did.
type planter struct {
	base    int
	tag     string
	net     int // second octet of the planted CIDRs
	nets    map[string]string
	planted map[string]bool
}

func (p *planter) value(v any) any {
	switch x := v.(type) {
	case float64:
		if x >= 0 && x < 10000 && x == float64(int(x)) {
			n := p.base + int(x)
			p.planted[strconv.Itoa(n)] = true
			return float64(n)
		}
	case string:
		if n, err := strconv.Atoi(x); err == nil && n >= 0 && n < 10000 {
			s := strconv.Itoa(p.base + n)
			p.planted[s] = true
			return s
		}
		if pr, err := netip.ParsePrefix(x); err == nil && pr.Addr().Is4() && pr.Bits() > 0 {
			if c, ok := p.nets[x]; ok {
				return c
			}
			c := fmt.Sprintf("10.%d.%d.0/24", p.net, len(p.nets))
			p.nets[x] = c
			return c
		}
		if strings.ContainsAny(x, "0123456789:") {
			return x + p.tag
		}
	case []any:
		for i := range x {
			x[i] = p.value(x[i])
		}
	case map[string]any:
		for k, e := range x {
			x[k] = p.value(e)
		}
	}
	return v
}

// everyLeaf is a sensitivity mask marking every leaf of v.
func everyLeaf(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = everyLeaf(x[i])
		}
		return out
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = everyLeaf(e)
		}
		return out
	}
	return true
}

// secretPlan writes a copy of a fixture plan whose every resource value is
// planted and marked sensitive: per leaf, or (whole) as one object.
func secretPlan(t *testing.T, src, dst string, p *planter, whole bool) {
	t.Helper()
	doc := changeValues(t, src, func(ch map[string]any, k string) {
		ch[k] = p.value(ch[k])
		mask := everyLeaf(ch[k])
		if whole {
			mask = true
		}
		ch[k+"_sensitive"] = mask
	})
	var walk func(m map[string]any)
	walk = func(m map[string]any) {
		rs, _ := m["resources"].([]any)
		for _, r := range rs {
			r := r.(map[string]any)
			if r["values"] != nil {
				r["values"] = p.value(r["values"])
				r["sensitive_values"] = everyLeaf(r["values"])
			}
		}
		cms, _ := m["child_modules"].([]any)
		for _, c := range cms {
			walk(c.(map[string]any))
		}
	}
	if ps, ok := doc["prior_state"].(map[string]any); ok {
		if vs, ok := ps["values"].(map[string]any); ok {
			if rm, ok := vs["root_module"].(map[string]any); ok {
				walk(rm)
			}
		}
	}
	nb, _ := json.Marshal(doc)
	if err := os.WriteFile(dst, nb, 0o644); err != nil {
		t.Fatal(err)
	}
}

// number finds whole numbers: a run of digits inside a hex fingerprint is not one.
var number = regexp.MustCompile(`\b\d+\b`)

// TestPlantedSecretsNeverShown plants secrets in every value of every
// fixture plan, marked sensitive per value and as whole objects, and checks
// that none appears in any output of any format, any error, or the
// fingerprints: the same plan with other secrets gives the same
// fingerprints, so no search over a value's domain can find it.
func TestPlantedSecretsNeverShown(t *testing.T) {
	plans, _ := filepath.Glob("../../fixtures/*/plan.json")
	dir := t.TempDir()
	for _, src := range plans {
		name := filepath.Base(filepath.Dir(src))
		for _, whole := range []bool{false, true} {
			fingerprints := map[int][]string{}
			for _, base := range []int{30000, 40000} {
				p := &planter{base: base, tag: fmt.Sprintf("-S3CR3T%d", base), net: base / 1000, nets: map[string]string{}, planted: map[string]bool{}}
				dst := filepath.Join(dir, fmt.Sprintf("%s-%v-%c.json", name, whole, 'a'+base/10000))
				secretPlan(t, src, dst, p, whole)
				for _, format := range []string{"text", "json", "sarif", "junit", "github", "gitlab", "compact", "markdown", "graph-mermaid", "graph-dot", "graph-json"} {
					args := []string{"check", "--verbose", "--color", "never", "--fail-on", "never", "--format", format, dst}
					if g, ok := strings.CutPrefix(format, "graph-"); ok {
						args = []string{"graph", "--format", g, dst}
					}
					r := lbguard(t, nil, nil, args...)
					out := r.stdout + r.stderr
					where := fmt.Sprintf("%s (whole=%v) %s", name, whole, format)
					if strings.Contains(out, "S3CR3T") {
						i := strings.Index(out, "S3CR3T")
						t.Errorf("%s: a planted string got out: …%s…", where, out[max(0, i-120):min(len(out), i+20)])
					}
					if strings.Contains(out, fmt.Sprintf("10.%d.", p.net)) {
						t.Errorf("%s: a planted CIDR got out", where)
					}
					for _, n := range number.FindAllStringIndex(out, -1) {
						if s := out[n[0]:n[1]]; p.planted[s] && !strings.Contains(out[max(0, n[0]-65):n[0]], "sha256") {
							t.Errorf("%s: planted number %s got out: …%s…", where, s, out[max(0, n[0]-100):min(len(out), n[1]+20)])
							break
						}
					}
					if format == "json" && r.code == 0 {
						var rep struct {
							Findings []struct{ Fingerprint string } `json:"findings"`
						}
						if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
							t.Fatal(err)
						}
						for _, f := range rep.Findings {
							fingerprints[base] = append(fingerprints[base], f.Fingerprint)
						}
						sort.Strings(fingerprints[base])
					}
				}
			}
			if a, b := strings.Join(fingerprints[30000], ","), strings.Join(fingerprints[40000], ","); a != b {
				t.Errorf("%s (whole=%v): fingerprints depend on sensitive values", name, whole)
			}
		}
	}
}

// TestSensitiveSources: the values of sensitive variables, used in ports,
// a policy, a CIDR, a security-group ID and string templates, appear in no
// output of any format, in source mode and in plan mode (whose plan also
// lists them under variables), verbose or not.
func TestSensitiveSources(t *testing.T) {
	dir := "../../fixtures/sensitive-sources"
	secrets := []string{"31337", "S3CR3T", "s3cr3t", "10.99."}
	for _, input := range [][]string{{dir}, {filepath.Join(dir, "plan.json")}, {"--source", dir, filepath.Join(dir, "plan.json")}} {
		for _, format := range []string{"text", "json", "sarif", "junit", "github", "gitlab", "compact", "markdown"} {
			args := append([]string{"check", "--verbose", "--fail-on", "never", "--format", format}, input...)
			r := lbguard(t, nil, nil, args...)
			if r.code != 0 {
				t.Fatalf("%v: exit %d: %s", args, r.code, r.stderr)
			}
			for _, s := range secrets {
				if strings.Contains(r.stdout+r.stderr, s) {
					t.Errorf("%v shows %q", args, s)
				}
			}
			if format != "junit" && format != "gitlab" && format != "sarif" && (!strings.Contains(r.stdout, "(sensitive)") || !strings.Contains(r.stdout, "LBG206")) {
				t.Errorf("%v: the rules must still decide with the sensitive values, and say (sensitive)", args)
			}
		}
	}
}
