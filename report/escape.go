package report

import (
	"github.com/lbguard/lbguard/checks"
	"github.com/lbguard/lbguard/internal/safetext"
	"github.com/lbguard/lbguard/plan"
)

// escaped returns a copy of the run whose every string that came from a
// plan or the sources has its control characters escaped visibly (see
// safetext), for formats that print them as they are. JSON escapes by
// itself.
func (r *Run) escaped() *Run {
	e := safetext.Escape
	if r.Result == nil {
		out := *r
		out.Input, out.Err = e(r.Input), e(r.Err)
		return &out
	}
	res := *r.Result
	res.Findings = make([]checks.Finding, len(r.Result.Findings))
	for i, f := range r.Result.Findings {
		f.Address, f.Message, f.Remediation = e(f.Address), e(f.Message), e(f.Remediation)
		f.Related = escapeAll(f.Related)
		f.LoadBalancers = escapeAll(f.LoadBalancers)
		if f.Location != nil {
			loc := *f.Location
			loc.File = e(loc.File)
			f.Location = &loc
		}
		if f.Suppressed != nil {
			s := *f.Suppressed
			s.Reason = e(s.Reason)
			f.Suppressed = &s
		}
		res.Findings[i] = f
	}
	res.Unresolved = make([]checks.Note, len(r.Result.Unresolved))
	for i, n := range r.Result.Unresolved {
		n.Address, n.Reason = e(n.Address), e(n.Reason)
		n.LoadBalancers = escapeAll(n.LoadBalancers)
		res.Unresolved[i] = n
	}
	res.NotAnalysed = make([]plan.Skipped, len(r.Result.NotAnalysed))
	for i, s := range r.Result.NotAnalysed {
		s.Address, s.Reason, s.Fix = e(s.Address), e(s.Reason), e(s.Fix)
		res.NotAnalysed[i] = s
	}
	res.LoadBalancers = make(map[string]string, len(r.Result.LoadBalancers))
	for k, v := range r.Result.LoadBalancers {
		res.LoadBalancers[e(k)] = e(v)
	}
	out := *r
	out.Result = &res
	out.Input, out.SourceDir = e(r.Input), e(r.SourceDir)
	return &out
}

func escapeAll(list []string) []string {
	if list == nil {
		return nil
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = safetext.Escape(s)
	}
	return out
}
