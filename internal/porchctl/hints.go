package porchctl

import "strings"

// cliHints rewrites the hints of the API's messages, which speak of the
// fields a kubectl user writes, into the commands of a person at porchctl.
var cliHints = strings.NewReplacer(
	"with an edit task", "with porchctl rpkg copy REVISION --workspace NEW_WORKSPACE",
	"set spec.git.createBranch: true", "register the repository with --create-branch (porchctl repo unreg it first)",
)

// InCLITerms is msg with its hints naming porchctl's commands and flags.
func InCLITerms(msg string) string { return cliHints.Replace(msg) }
