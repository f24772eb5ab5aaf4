// Command lbguard checks a Terraform plan's AWS load balancers, listeners
// and security groups before apply. See README.md.
package main

import "os"

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
