// Command jsonvalid is the floor the performance figures compare lbguard
// with: a ten-line program that reads a file and calls json.Valid.
//
//	go build -o /tmp/jsonvalid ./internal/jsonvalid
//	/usr/bin/time -f "%U %S %M" /tmp/jsonvalid plan.json
package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	b, err := os.ReadFile(os.Args[1])
	if err != nil {
		panic(err)
	}
	fmt.Println(json.Valid(b))
}
