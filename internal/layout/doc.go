// Package layout holds no code: its test keeps the repository's import
// graph as the design says (data flows plan -> checks -> report; the two
// loaders feed the linker and never import each other).
package layout
