package cad

import "strings"

const readmeName = "README.md"

// readmeTemplate is kpt pkg init's README; NAME and DESCRIPTION are replaced.
const readmeTemplate = "# NAME\n\n## Description\nDESCRIPTION\n\n## Usage\n\n" +
	"### Fetch the package\n`kpt pkg get REPO_URI[.git]/PKG_PATH[@VERSION] NAME`\n" +
	"Details: https://kpt.dev/reference/cli/pkg/get/\n\n" +
	"### View package content\n`kpt pkg tree NAME`\n" +
	"Details: https://kpt.dev/reference/cli/pkg/tree/\n\n" +
	"### Apply the package\n```\nkpt live init NAME\n" +
	"kpt live apply NAME --reconcile-timeout=2m --output=table\n```\n" +
	"Details: https://kpt.dev/reference/cli/live/\n"

func readme(name, description string) string {
	return strings.NewReplacer("NAME", name, "DESCRIPTION", description).Replace(readmeTemplate)
}
