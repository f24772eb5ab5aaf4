package tfplan

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lbguard/lbguard/plan/link"
)

// TestKeyOrderAndLayoutDoNotMatter: a plan whose keys are sorted (as jq -S
// or any map-based tool writes them, with each change before its type)
// and whose layout is indented reads exactly as the plan Terraform wrote.
func TestKeyOrderAndLayoutDoNotMatter(t *testing.T) {
	var paths []string
	for _, pattern := range []string{"../../fixtures/*/plan.json", "../../fixtures/corpus/*.json"} {
		p, _ := filepath.Glob(pattern)
		paths = append(paths, p...)
	}
	if len(paths) < 30 {
		t.Fatalf("only %d plans", len(paths))
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		sorted, err := json.MarshalIndent(doc, "", "\t")
		if err != nil {
			t.Fatal(err)
		}
		want, err := Read(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		got, err := Read(bytes.NewReader(sorted))
		if err != nil {
			t.Fatalf("%s sorted: %v", path, err)
		}
		// Prior state that comes before the changes is kept whole; the
		// linker lets the changes win.
		gotGraph, err1 := link.Build(got, link.Options{Kind: "plan"})
		wantGraph, err2 := link.Build(want, link.Options{Kind: "plan"})
		if (err1 == nil) != (err2 == nil) || !reflect.DeepEqual(gotGraph, wantGraph) {
			t.Errorf("%s: the plan with sorted keys links differently (%v, %v)", path, err1, err2)
		}
		got.Prior, want.Prior = nil, nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: the plan with sorted keys reads differently", path)
		}
	}
}

// TestAddressAndTypeMustAgree: when a change comes before its type, lbguard
// goes by the address; a type that contradicts it is refused rather than
// read without its values.
func TestAddressAndTypeMustAgree(t *testing.T) {
	doc := `{"format_version":"1.2","planned_values":{},"configuration":{},"resource_changes":[
		{"address":"aws_s3_bucket.x","change":{"actions":["create"],"after":{"port":80}},"mode":"managed","name":"x","type":"aws_lb_listener"}]}`
	_, err := Read(strings.NewReader(doc))
	var ie *InputError
	if !errors.As(err, &ie) || ie.Msg != "not a valid Terraform plan: aws_s3_bucket.x has the type aws_lb_listener, but its address names a aws_s3_bucket" {
		t.Errorf("got %v", err)
	}
	// The other way round, the values are held and the type decides.
	doc = strings.Replace(doc, `"aws_s3_bucket.x"`, `"aws_lb_listener.x"`, 1)
	doc = strings.Replace(doc, `"type":"aws_lb_listener"`, `"type":"aws_s3_bucket"`, 1)
	in, err := Read(strings.NewReader(doc))
	if err != nil || len(in.Others) != 1 || len(in.Changes) != 0 || in.Others[0].Actions[0] != "create" {
		t.Errorf("got %+v, %v", in, err)
	}
}

// TestDuplicateMembers: a member given twice in what lbguard reads is
// refused, with its place; which value counts would be a guess.
func TestDuplicateMembers(t *testing.T) {
	for doc, want := range map[string]string{
		`{"format_version":"1.2","format_version":"1.2"}`:                                                                       `invalid JSON: the object has the member "format_version" twice`,
		`{"format_version":"1.2","resource_changes":[{"address":"aws_lb.x","type":"aws_lb","type":"aws_s3_bucket"}]}`:           `(in resource_changes[0])`,
		`{"format_version":"1.2","resource_changes":[{"address":"aws_lb.x","type":"aws_lb","change":{"after":{},"after":{}}}]}`: `resource_changes[0].change`,
	} {
		_, err := Read(strings.NewReader(doc))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", doc, err, want)
		}
	}
}

// TestUnreadAttributesDropped: the attributes no rule reads are not kept,
// unless they hold something sensitive, which lbguard must know of to
// never show it.
func TestUnreadAttributesDropped(t *testing.T) {
	doc := `{"format_version":"1.2","planned_values":{},"configuration":{},"resource_changes":[
		{"address":"aws_instance.a","type":"aws_instance","name":"a","mode":"managed","change":{"actions":["create"],
		 "after":{"ami":"ami-1","user_data":"s3cret","tags":{"Name":"a"},"tags_all":{"Name":"a"},"description":"d"},
		 "after_unknown":{},"after_sensitive":{"user_data":true,"tags":{},"tags_all":{"Name":false}}}}],
	 "prior_state":{"values":{"root_module":{"resources":[
		{"address":"aws_lb.b","type":"aws_lb","name":"b","mode":"managed","values":{"name":"b","tags":{"k":"v"},"policy":"p"},"sensitive_values":{"policy":true}}]}}}}`
	in, err := Read(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	after := in.Changes[0].Change.After.(map[string]any)
	want := map[string]any{"ami": "ami-1", "user_data": "s3cret"}
	if !reflect.DeepEqual(after, want) {
		t.Errorf("after %v, want %v", after, want)
	}
	prior := in.Prior[0].AttributeValues
	if want := map[string]any{"name": "b", "policy": "p"}; !reflect.DeepEqual(prior, want) {
		t.Errorf("prior values %v, want %v", prior, want)
	}
}

// TestLargeObjects: the member names of a large object lbguard reads are
// checked for repeats in a set beyond the first few (one by one, 200 000
// names would take a minute), and a repeat among them is still found.
func TestLargeObjects(t *testing.T) {
	var tags strings.Builder
	for i := range 200000 {
		if i > 0 {
			tags.WriteByte(',')
		}
		fmt.Fprintf(&tags, `"k%d":"v"`, i)
	}
	doc := `{"format_version":"1.2","planned_values":{},"configuration":{},"resource_changes":[
		{"address":"aws_lb.a","type":"aws_lb","name":"a","mode":"managed","change":{"actions":["create"],"after":{"name":{` + tags.String() + `}}}}]}`
	if _, err := Read(strings.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	dup := strings.Replace(doc, `"k199999"`, `"k17"`, 1)
	if _, err := Read(strings.NewReader(dup)); err == nil || !strings.Contains(err.Error(), `the object has the member "k17" twice`) {
		t.Errorf("a repeated name among many: %v", err)
	}
}

// TestDeepPathsAreShortened: an error deep in a value names its path by
// its ends, so that the message stays one readable line.
func TestDeepPathsAreShortened(t *testing.T) {
	doc := `{"format_version":"1.2","resource_changes":[{"address":"aws_lb.a","type":"aws_lb","change":{"actions":["create"],"after":{"x":` +
		strings.Repeat(`{"k":`, 40) + "tru" + strings.Repeat("}", 40) + `}}}]}`
	_, err := Read(strings.NewReader(doc))
	want := `(in resource_changes[0].change.after.x.k.k.k.k.k.k.k.k.k.k.k … 21 more … k.k.k.k.k.k.k.k)`
	if err == nil || !strings.HasSuffix(err.Error(), want) {
		t.Errorf("got %v, want it to end %s", err, want)
	}
}
