package link

import (
	"math/big"
	"strconv"

	"github.com/zclconf/go-cty/cty"
)

// Key is an instance key: none, a count index or a for_each key. Both
// loaders use it, so that an instance has the same key whichever read it.
type Key struct {
	Kind KeyKind
	Int  int    // the count index, when Kind is CountKey
	Str  string // the for_each key, when Kind is EachKey
}

// KeyKind tells which of the three a Key is.
type KeyKind int

// The kinds of instance keys.
const (
	NoKey    KeyKind = iota // a resource or module without count or for_each
	CountKey                // [0], [1], ...
	EachKey                 // ["a"], ["b"], ...
)

// IntKey is the key of a count instance.
func IntKey(i int) Key { return Key{Kind: CountKey, Int: i} }

// StrKey is the key of a for_each instance.
func StrKey(s string) Key { return Key{Kind: EachKey, Str: s} }

// String renders the key as in an address: "", "[0]" or "[\"a\"]".
func (k Key) String() string {
	switch k.Kind {
	case CountKey:
		return "[" + strconv.Itoa(k.Int) + "]"
	case EachKey:
		return "[" + strconv.Quote(k.Str) + "]"
	}
	return ""
}

// Index is the key as plan JSON writes it in a resource's "index".
func (k Key) Index() any {
	switch k.Kind {
	case CountKey:
		return float64(k.Int)
	case EachKey:
		return k.Str
	}
	return nil
}

// KeyFromIndex converts the "index" of a plan resource.
func KeyFromIndex(v any) Key {
	switch x := v.(type) {
	case float64:
		return IntKey(int(x))
	case string:
		return StrKey(x)
	}
	return Key{}
}

// keyFromCty converts a known number or string, as an index expression
// evaluates to.
func keyFromCty(v cty.Value) (Key, bool) {
	if !v.IsKnown() || v.IsNull() {
		return Key{}, false
	}
	switch v.Type() {
	case cty.Number:
		bf := v.AsBigFloat()
		if i, acc := bf.Int64(); acc == big.Exact {
			return IntKey(int(i)), true
		}
	case cty.String:
		return StrKey(v.AsString()), true
	}
	return Key{}, false
}
