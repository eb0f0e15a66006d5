package schema

import (
	"fmt"
	"strings"

	"github.com/sipops/reconciler/internal/setting"
)

// CUE returns the contract as CUE files of one package, for operators who
// want to vet specs with the cue tool and for the consistency test:
// schema.cue, settings.cue (the field of #VoiceConnector of each setting,
// required when there is one), and each setting's definitions, named after
// it.
func CUE(kinds []setting.Kind) []File {
	files := []File{{Path: "schema.cue", Data: []byte(baseCUE)}}
	var fields strings.Builder
	fields.WriteString("// The settings of a Voice Connector, each defined in its own file.\npackage schema\n\n#VoiceConnector: {\n")
	mark := "?"
	if len(kinds) == 1 {
		mark = "!"
	}
	for _, k := range kinds {
		def, text := k.CUE()
		fmt.Fprintf(&fields, "\t%s%s: %s\n", k.Name(), mark, def)
		files = append(files, File{Path: k.Name() + ".cue", Data: []byte(text)})
	}
	fields.WriteString("}\n")
	return append(files[:1], append([]File{{Path: "settings.cue", Data: []byte(fields.String())}}, files[1:]...)...)
}
