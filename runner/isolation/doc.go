// Package isolation runs the builtin functions that run user code
// (starlark) in a child process of the binary, so that the memory a script
// takes is bounded while it is taken: the child limits its own address
// space before it reads the function's input (RLIMIT_AS, the size it has
// at start plus the limit), and the parent kills it when the call's
// context ends. A process shared by many users, the manager or the
// runner, cannot bound the memory of code it runs on one of its own
// goroutines: one starlark step can allocate a gigabyte.
//
// The child is the isolated-function binary (ChildBinary) installed beside
// the binary that uses a Runner (see Executable), or else that binary
// itself, started with ChildArg: such a binary calls Main first thing in
// main.
package isolation
