package tfsrc

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestCountIsLinear expands 8,000 instances of each of three resources
// that reference each other key to key (24,000 in all, within the budget):
// evaluating every reference anew for each instance was quadratic (3.6 GB
// and minutes). Everything the load and the build allocate, garbage
// included, stays under the bound.
func TestCountIsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("expands 24,000 instances")
	}
	dir := t.TempDir()
	src := `
variable "n" { default = 8000 }
resource "aws_security_group" "lb" {
  count = var.n
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_lb" "this" {
  count           = var.n
  name            = "lb-${count.index}"
  subnets         = ["subnet-1"]
  security_groups = [aws_security_group.lb[count.index].id]
}
resource "aws_lb_listener" "http" {
  count             = var.n
  load_balancer_arn = aws_lb.this[count.index].arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type = "fixed-response"
  }
}
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	s, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	g, err := s.Graph()
	if err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if len(g.Listeners) != 8000 || len(g.NotAnalysed) != 0 {
		t.Fatalf("%d listeners, %d not analysed; want 8000 and 0", len(g.Listeners), len(g.NotAnalysed))
	}
	for _, l := range g.Listeners[:3] {
		if l.LoadBalancer.Node == nil {
			t.Fatalf("%s is not linked: %s", l.Address, l.LoadBalancer.Reason)
		}
	}
	if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 2048 {
		t.Errorf("expanding 24,000 instances allocated %d MB, want at most 2 GB", mb)
	} else {
		t.Logf("allocated %d MB", mb)
	}
}
