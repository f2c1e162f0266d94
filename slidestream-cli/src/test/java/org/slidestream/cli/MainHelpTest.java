package org.slidestream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MainHelpTest {

    @Test
    void theCommandListGivesEachCommandsFirstWholeSentence() {
        Cli r = Cli.run("--help");
        assertThat(r.exitCode()).isEqualTo(0);
        String out = r.out();
        List<String> entries = List.of(out.substring(out.indexOf("Commands:") + "Commands:".length()).strip()
                .split("\\R(?=  \\S)"));
        assertThat(entries).hasSizeGreaterThan(5);
        for (String e : entries) {
            String text = e.strip().replaceAll("\\s+", " ");
            // one sentence, never cut off at a line break of the command's own description
            assertThat(text).as(text).endsWith(".");
        }
        assertThat(out).contains("as a pyramidal TIFF").doesNotContain("TIFF,\n");
        // the first paragraph only
        assertThat(entries.stream().filter(e -> e.strip().startsWith("normalize")).findFirst().orElseThrow()).doesNotContain("--fit");
    }
}
