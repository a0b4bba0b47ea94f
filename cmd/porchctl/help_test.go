package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// Every command's help has examples, written as kubectl writes them: blocks
// of two-space indented lines, each block a "# comment" and the commands,
// blocks apart by a blank line. Each example's porchctl lines must run as
// written: they name a real command whose flags parse, whose positional
// arguments are accepted and whose flags marked "(required)" are given; and
// each block runs the command it documents (or, for a group, one of its
// subcommands), though it may run another command too, as `rpkg pull`'s
// pull, edit and push.
func TestEveryCommandHasWorkingExamples(t *testing.T) {
	root := newRootCommand()
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.HasParent() && !c.Parent().HasParent() && (c.Name() == "help" || c.Name() == "completion") {
			return // cobra's own
		}
		path := c.CommandPath()
		for _, sub := range c.Commands() {
			walk(sub)
		}
		if strings.TrimSpace(c.Example) == "" {
			t.Errorf("%s: no Example", path)
			return
		}
		for _, block := range strings.Split(c.Example, "\n\n") {
			lines := strings.Split(block, "\n")
			if !strings.HasPrefix(lines[0], "  # ") {
				t.Errorf("%s: example %q does not start with a \"  # \" comment", path, block)
			}
			runsItself, failed := false, false
			for _, line := range lines {
				if !strings.HasPrefix(line, "  ") || strings.TrimSpace(line) == "" {
					t.Errorf("%s: example line %q is not indented by two spaces", path, line)
					continue
				}
				if !strings.HasPrefix(line, "  porchctl ") && strings.TrimSpace(line) != "porchctl" {
					continue
				}
				ran, err := runsAs(line)
				if err != nil {
					t.Errorf("%s: example %q: %v", path, strings.TrimSpace(line), err)
					failed = true
					continue
				}
				if ran == path || strings.HasPrefix(ran, path+" ") {
					runsItself = true
				}
			}
			if !runsItself && !failed {
				t.Errorf("%s: example %q never runs %s", path, block, path)
			}
		}
	}
	walk(root)
}

// runsAs checks that an example line would run, as far as parsing goes, in
// a command tree of its own (so that no flag is left set by another line),
// and returns the path of the command it runs, aliases resolved.
func runsAs(line string) (string, error) {
	words := shellWords(strings.TrimSpace(line))
	root := newRootCommand()
	c, rest, err := root.Find(words[1:])
	if err != nil {
		return "", err
	}
	if err := c.ParseFlags(rest); err != nil {
		return "", err
	}
	args := c.Flags().Args()
	if c.HasSubCommands() && len(args) > 0 {
		return "", fmt.Errorf("unknown command %q for %q", args[0], c.CommandPath())
	}
	if err := c.ValidateArgs(args); err != nil {
		return "", err
	}
	var missing []string
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if strings.Contains(f.Usage, "(required)") && !f.Changed {
			missing = append(missing, "--"+f.Name)
		}
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("%s not given", strings.Join(missing, ", "))
	}
	return c.CommandPath(), nil
}

// shellWords splits a command line as a shell would, quotes removed, up to
// the first pipe, redirection or command separator.
func shellWords(line string) []string {
	var words []string
	var word strings.Builder
	inWord := false
	var quote rune
	for _, r := range line {
		switch {
		case quote != 0 && r == quote:
			quote = 0
		case quote != 0:
			word.WriteRune(r)
		case r == '"' || r == '\'':
			quote, inWord = r, true
		case r == ' ' || r == '\t':
			if inWord {
				words, inWord = append(words, word.String()), false
				word.Reset()
			}
		case strings.ContainsRune("|<>;&", r):
			if inWord {
				words = append(words, word.String())
			}
			return words
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		words = append(words, word.String())
	}
	return words
}
