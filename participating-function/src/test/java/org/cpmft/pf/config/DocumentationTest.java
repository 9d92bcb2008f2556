package org.cpmft.pf.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/configuration.md and deploy/pf.example.yaml must follow the key catalogue. */
class DocumentationTest {

    // Surefire runs in the module directory; the documents live at the repository root.
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theReferenceListsEveryKeyWithItsVariableAndDefault() throws Exception {
        String doc = Files.readString(ROOT.resolve("docs/configuration.md"));
        for (ConfigKey k : ConfigLoader.describe()) {
            String row = "| `" + k.path() + "` | `" + k.envVar() + "` | ";
            assertThat(doc).as(k.path()).contains(row);
            String rest = doc.substring(doc.indexOf(row) + row.length());
            assertThat(rest.substring(0, rest.indexOf('\n'))).as(k.path() + " default").contains(k.shownDefault());
        }
    }

    @Test
    void theExampleFileIsValidHoldsTheDefaultsAndMentionsEveryKey() throws Exception {
        Path example = ROOT.resolve("deploy/pf.example.yaml");
        assertThat(ConfigLoader.load(example, Map.of())).isEqualTo(PfConfig.defaults());
        String text = Files.readString(example);
        for (ConfigKey k : ConfigLoader.describe()) {
            int start = text.indexOf("\n" + k.section() + ":\n");
            assertThat(start).as(k.section()).isNotNegative();
            java.util.regex.Matcher next = java.util.regex.Pattern.compile("(?m)^[a-z]").matcher(text);
            int end = next.find(start + 2) ? next.start() : text.length();
            assertThat(text.substring(start, end)).as(k.path()).containsPattern("(?m)^  (# )?" + k.name() + ":");
        }
    }
}
