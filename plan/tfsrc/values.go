package tfsrc

import (
	"github.com/zclconf/go-cty/cty"
)

// planValue converts a value to what plan JSON holds: the known value (as
// encoding/json would decode it), the after_unknown mask and the
// after_sensitive mask (true at a position, or a list or object of masks).
func planValue(v cty.Value) (val, unknown, sens any) {
	if v.IsMarked() {
		var marks cty.ValueMarks
		v, marks = v.Unmark()
		if marks.Has(sensitive) {
			val, unknown, _ = planValue(v)
			return val, unknown, true
		}
	}
	if !v.IsKnown() {
		return nil, true, nil
	}
	if v.IsNull() {
		return nil, nil, nil
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return v.AsString(), nil, nil
	case t == cty.Number:
		f, _ := v.AsBigFloat().Float64()
		return f, nil, nil
	case t == cty.Bool:
		return v.True(), nil, nil
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		var vals, unks, senses []any
		anyUnk, anySens := false, false
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			ev, eu, es := planValue(e)
			vals = append(vals, ev)
			unks = append(unks, orFalse(eu))
			senses = append(senses, orFalse(es))
			anyUnk = anyUnk || eu != nil
			anySens = anySens || es != nil
		}
		if vals == nil {
			vals = []any{}
		}
		return vals, maskIf(unks, anyUnk), maskIf(senses, anySens)
	case t.IsMapType() || t.IsObjectType():
		vals, unks, senses := map[string]any{}, map[string]any{}, map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			ev, eu, es := planValue(e)
			vals[k.AsString()] = ev
			if eu != nil {
				unks[k.AsString()] = eu
			}
			if es != nil {
				senses[k.AsString()] = es
			}
		}
		var u, s any
		if len(unks) > 0 {
			u = unks
		}
		if len(senses) > 0 {
			s = senses
		}
		return vals, u, s
	}
	return nil, true, nil
}

func orFalse(m any) any {
	if m == nil {
		return false
	}
	return m
}

func maskIf(m []any, any bool) any {
	if !any {
		return nil
	}
	return m
}
