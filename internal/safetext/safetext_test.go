package safetext

import "testing"

func TestEscape(t *testing.T) {
	tests := map[string]string{
		"aws_lb.web":                       "aws_lb.web",
		"arn\n::error file=main.tf::pwned": `arn\n::error file=main.tf::pwned`,
		"\x1b[31mred\x1b[0m":               `\x1b[31mred\x1b[0m`,
		"a\r\tb\x00c\x7f":                  `a\r\tb\x00c\x7f`,
		"evil\u202etxt.exe":                `evil\u202etxt.exe`,
		"line\u2028sep":                    `line\u2028sep`,
		"c1\u0085x":                        `c1\u0085x`,
		"bad\xffutf8":                      `bad\xffutf8`,
		`module.a["ü é 日本"].aws_lb.x`:      `module.a["ü é 日本"].aws_lb.x`,
		"back\\slash":                      "back\\slash",
	}
	for in, want := range tests {
		if got := Escape(in); got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestJSON(t *testing.T) {
	in := []byte("{\n  \"a\": \"x\u202ey\u0085z\",\n\t\"b\": \"日本\"\n}\n")
	want := "{\n  \"a\": \"x\\u202ey\\u0085z\",\n\t\"b\": \"日本\"\n}\n"
	if got := string(JSON(in)); got != want {
		t.Errorf("JSON = %q, want %q", got, want)
	}
	plain := []byte("{\n  \"a\": 1\n}\n")
	if got := JSON(plain); &got[0] != &plain[0] {
		t.Error("clean JSON is returned as it is")
	}
}
