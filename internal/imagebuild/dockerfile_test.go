package imagebuild_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// dockerfile is what a Dockerfile's final stage installs.
type dockerfile struct {
	// copies are the COPY lines' destinations, with the owner --chown
	// gives (root's, 0, without one).
	copies     map[string]int
	user       string
	entrypoint []string
	env        []string
}

// parseDockerfile reads the final stage (after the last FROM) of the
// Dockerfile at path: the forms the product's Dockerfiles use, COPY with
// flags, one source and one destination, USER, exec-form ENTRYPOINT and
// ENV of key=value pairs; continuation lines are joined.
func parseDockerfile(path string) (*dockerfile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer func() { _ = f.Close() }()
	var lines []string
	var pending string
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if strings.HasPrefix(line, "#") {
			continue
		}
		if cont, ok := strings.CutSuffix(line, "\\"); ok {
			pending += cont + " "
			continue
		}
		lines = append(lines, pending+line)
		pending = ""
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	// The final stage's lines.
	final := -1
	for i, line := range lines {
		if strings.HasPrefix(strings.ToUpper(line), "FROM ") {
			final = i
		}
	}
	if final < 0 {
		return nil, fmt.Errorf("%s: no FROM", path)
	}
	df := &dockerfile{copies: map[string]int{}}
	for _, line := range lines[final+1:] {
		instruction, rest, _ := strings.Cut(line, " ")
		switch strings.ToUpper(instruction) {
		case "COPY":
			owner, paths := 0, []string{}
			for _, field := range strings.Fields(rest) {
				if chown, ok := strings.CutPrefix(field, "--chown="); ok {
					if owner, err = strconv.Atoi(strings.Split(chown, ":")[0]); err != nil {
						return nil, fmt.Errorf("%s: %s: %w", path, line, err)
					}
				} else if !strings.HasPrefix(field, "--") {
					paths = append(paths, field)
				}
			}
			if len(paths) != 2 {
				return nil, fmt.Errorf("%s: %s: want one source and one destination", path, line)
			}
			df.copies[paths[1]] = owner
		case "USER":
			df.user = rest
		case "ENTRYPOINT":
			if err := json.Unmarshal([]byte(rest), &df.entrypoint); err != nil {
				return nil, fmt.Errorf("%s: %s: want the exec form: %w", path, line, err)
			}
		case "ENV":
			df.env = append(df.env, strings.Fields(rest)...)
		}
	}
	return df, nil
}
