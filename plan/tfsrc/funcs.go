package tfsrc

import (
	"fmt"
	"math/big"
	"net"
	"strings"

	"github.com/apparentlymart/go-cidr/cidr"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// functions are the Terraform functions that configurations of load
// balancers use, from go-cty's standard library where it has them. A call
// to any other function evaluates to an unknown value.
func functions() map[string]function.Function {
	return map[string]function.Function{
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "chomp": stdlib.ChompFunc,
		"chunklist": stdlib.ChunklistFunc, "coalesce": stdlib.CoalesceFunc, "coalescelist": stdlib.CoalesceListFunc,
		"compact": stdlib.CompactFunc, "concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc,
		"csvdecode": stdlib.CSVDecodeFunc, "distinct": stdlib.DistinctFunc, "element": stdlib.ElementFunc,
		"flatten": stdlib.FlattenFunc, "floor": stdlib.FloorFunc, "format": stdlib.FormatFunc,
		"formatdate": stdlib.FormatDateFunc, "formatlist": stdlib.FormatListFunc, "indent": stdlib.IndentFunc,
		"index": stdlib.IndexFunc, "join": stdlib.JoinFunc, "jsondecode": stdlib.JSONDecodeFunc,
		"jsonencode": stdlib.JSONEncodeFunc, "keys": stdlib.KeysFunc, "length": stdlib.LengthFunc,
		"log": stdlib.LogFunc, "lookup": lookupFunc, "lower": stdlib.LowerFunc, "max": stdlib.MaxFunc,
		"merge": stdlib.MergeFunc, "min": stdlib.MinFunc, "parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc,
		"range": stdlib.RangeFunc, "regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc,
		"reverse": stdlib.ReverseListFunc, "setintersection": stdlib.SetIntersectionFunc,
		"setproduct": stdlib.SetProductFunc, "setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc,
		"signum": stdlib.SignumFunc, "slice": stdlib.SliceFunc, "sort": stdlib.SortFunc, "split": stdlib.SplitFunc,
		"strrev": stdlib.ReverseFunc, "substr": stdlib.SubstrFunc, "timeadd": stdlib.TimeAddFunc,
		"title": stdlib.TitleFunc, "trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc,
		"trimsuffix": stdlib.TrimSuffixFunc, "trimspace": stdlib.TrimSpaceFunc, "upper": stdlib.UpperFunc,
		"values": stdlib.ValuesFunc, "zipmap": stdlib.ZipmapFunc,
		"tostring": stdlib.MakeToFunc(cty.String), "tonumber": stdlib.MakeToFunc(cty.Number),
		"tobool": stdlib.MakeToFunc(cty.Bool), "tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
		"toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)), "tomap": stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
		"try": tryfunc.TryFunc, "can": tryfunc.CanFunc,
		"replace":      replaceFunc,
		"cidrsubnet":   cidrSubnetFunc,
		"cidrsubnets":  cidrSubnetsFunc,
		"cidrhost":     cidrHostFunc,
		"cidrnetmask":  cidrNetmaskFunc,
		"one":          oneFunc,
		"sum":          sumFunc,
		"alltrue":      boolsFunc(true),
		"anytrue":      boolsFunc(false),
		"startswith":   stringTestFunc(strings.HasPrefix),
		"endswith":     stringTestFunc(strings.HasSuffix),
		"strcontains":  stringTestFunc(strings.Contains),
		"sensitive":    markFunc(true),
		"nonsensitive": markFunc(false),
		// Known only at apply time.
		"timestamp": unknownFunc(cty.String), "uuid": unknownFunc(cty.String),
	}
}

// replaceFunc is Terraform's replace: a substring in slashes is a regular
// expression.
var replaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "substr", Type: cty.String}, {Name: "replace", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		sub := args[1].AsString()
		if len(sub) > 1 && strings.HasPrefix(sub, "/") && strings.HasSuffix(sub, "/") {
			return stdlib.RegexReplace(args[0], cty.StringVal(sub[1:len(sub)-1]), args[2])
		}
		return stdlib.Replace(args[0], args[1], args[2])
	},
})

func parseCIDR(v cty.Value) (*net.IPNet, error) {
	_, n, err := net.ParseCIDR(v.AsString())
	if err != nil {
		return nil, fmt.Errorf("invalid CIDR %q", v.AsString())
	}
	return n, nil
}

func bigInt(v cty.Value) *big.Int {
	i, _ := v.AsBigFloat().Int(nil)
	return i
}

func intArg(v cty.Value) (int, error) {
	i, acc := v.AsBigFloat().Int64()
	if acc != big.Exact {
		return 0, fmt.Errorf("%s is not a whole number", v.AsBigFloat().String())
	}
	return int(i), nil
}

var cidrSubnetFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "newbits", Type: cty.Number}, {Name: "netnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		n, err := parseCIDR(args[0])
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		bits, err := intArg(args[1])
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		sub, err := cidr.SubnetBig(n, bits, bigInt(args[2]))
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(sub.String()), nil
	},
})

var cidrSubnetsFunc = function.New(&function.Spec{
	Params:   []function.Parameter{{Name: "prefix", Type: cty.String}},
	VarParam: &function.Parameter{Name: "newbits", Type: cty.Number},
	Type:     function.StaticReturnType(cty.List(cty.String)),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		n, err := parseCIDR(args[0])
		if err != nil {
			return cty.UnknownVal(cty.List(cty.String)), err
		}
		if len(args) == 1 {
			return cty.ListValEmpty(cty.String), nil
		}
		// As Terraform: consecutive subnets, each aligned on its own size.
		prefixLen, _ := n.Mask.Size()
		var lengths []int
		for _, a := range args[1:] {
			bits, err := intArg(a)
			if err != nil {
				return cty.UnknownVal(cty.List(cty.String)), err
			}
			lengths = append(lengths, prefixLen+bits)
		}
		current, _ := cidr.PreviousSubnet(n, lengths[0])
		var out []cty.Value
		for _, length := range lengths {
			next, rollover := cidr.NextSubnet(current, length)
			if rollover || !n.Contains(next.IP) {
				return cty.UnknownVal(cty.List(cty.String)), fmt.Errorf("not enough remaining address space")
			}
			current = next
			out = append(out, cty.StringVal(current.String()))
		}
		return cty.ListVal(out), nil
	},
})

var cidrHostFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}, {Name: "hostnum", Type: cty.Number}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		n, err := parseCIDR(args[0])
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		ip, err := cidr.HostBig(n, bigInt(args[1]))
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(ip.String()), nil
	},
})

var cidrNetmaskFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "prefix", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		n, err := parseCIDR(args[0])
		if err != nil {
			return cty.UnknownVal(cty.String), err
		}
		return cty.StringVal(net.IP(n.Mask).String()), nil
	},
})

var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type: func(args []cty.Value) (cty.Type, error) {
		t := args[0].Type()
		switch {
		case t.IsListType() || t.IsSetType():
			return t.ElementType(), nil
		case t.IsTupleType() && len(t.TupleElementTypes()) == 1:
			return t.TupleElementTypes()[0], nil
		case t.IsTupleType():
			return cty.DynamicPseudoType, nil
		}
		return cty.NilType, fmt.Errorf("one() wants a list, set or tuple")
	},
	Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
		v := args[0]
		switch n := v.LengthInt(); n {
		case 0:
			return cty.NullVal(ret), nil
		case 1:
			it := v.ElementIterator()
			it.Next()
			_, e := it.Element()
			return e, nil
		}
		return cty.NullVal(ret), fmt.Errorf("one() wants at most one element")
	},
})

var sumFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Number)}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		total := cty.NumberIntVal(0)
		for it := args[0].ElementIterator(); it.Next(); {
			_, e := it.Element()
			if e.IsNull() {
				return cty.UnknownVal(cty.Number), fmt.Errorf("sum() of a null")
			}
			total = total.Add(e)
		}
		return total, nil
	},
})

func boolsFunc(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			for it := args[0].ElementIterator(); it.Next(); {
				_, e := it.Element()
				if e.IsNull() {
					continue
				}
				if e.True() != all {
					return cty.BoolVal(!all), nil
				}
			}
			return cty.BoolVal(all), nil
		},
	})
}

func stringTestFunc(test func(s, x string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "x", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(test(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

func markFunc(mark bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowMarked: true, AllowUnknown: true, AllowNull: true}},
		Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if mark {
				return args[0].Mark(sensitive), nil
			}
			v, _ := args[0].Unmark()
			return v, nil
		},
	})
}

func unknownFunc(t cty.Type) function.Function {
	return function.New(&function.Spec{
		Type: function.StaticReturnType(t),
		Impl: func([]cty.Value, cty.Type) (cty.Value, error) { return cty.UnknownVal(t), nil },
	})
}

// lookupFunc is Terraform's lookup: go-cty's, except that the default may
// be null (lookup(var.m, "k", null), a common idiom), which gives null
// when the key is missing.
var lookupFunc = function.New(&function.Spec{
	Params: []function.Parameter{
		{Name: "inputMap", Type: cty.DynamicPseudoType, AllowMarked: true},
		{Name: "key", Type: cty.String, AllowMarked: true},
		{Name: "default", Type: cty.DynamicPseudoType, AllowMarked: true, AllowNull: true, AllowDynamicType: true},
	},
	Type: func(args []cty.Value) (cty.Type, error) {
		if !args[2].IsNull() {
			return stdlib.LookupFunc.ReturnTypeForValues(args)
		}
		m, _ := args[0].Unmark()
		switch ty := m.Type(); {
		case ty.IsMapType():
			return ty.ElementType(), nil
		case ty.IsObjectType():
			k, _ := args[1].Unmark()
			if k.IsKnown() && ty.HasAttribute(k.AsString()) {
				return ty.AttributeType(k.AsString()), nil
			}
			return cty.DynamicPseudoType, nil
		}
		return cty.NilType, function.NewArgErrorf(0, "lookup() requires a map as the first argument")
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		if !args[2].IsNull() {
			return stdlib.LookupFunc.Call(args)
		}
		m, marks := args[0].Unmark()
		k, keyMarks := args[1].Unmark()
		if !m.IsWhollyKnown() {
			return cty.UnknownVal(retType).WithMarks(marks, keyMarks), nil
		}
		key := k.AsString()
		switch {
		case m.Type().IsObjectType() && m.Type().HasAttribute(key):
			return m.GetAttr(key).WithMarks(marks, keyMarks), nil
		case m.Type().IsMapType() && m.HasIndex(cty.StringVal(key)) == cty.True:
			return m.Index(cty.StringVal(key)).WithMarks(marks, keyMarks), nil
		}
		return cty.NullVal(retType).WithMarks(marks, keyMarks), nil
	},
})
