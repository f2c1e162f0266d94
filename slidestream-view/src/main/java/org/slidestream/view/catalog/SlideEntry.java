package org.slidestream.view.catalog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A slide the viewer shows.
 *
 * @param id      its name in addresses and in its cohort ({@code OUT/<id>/})
 * @param slide   the slide file, or null when none was found (a failed slide of an output given alone)
 * @param outputs folders of outputs about this slide, in the order given
 * @param cohort  the cohort it was found in, or null
 */
public record SlideEntry(String id, Path slide, List<Path> outputs, String cohort) {
    public SlideEntry {
        outputs = List.copyOf(outputs);
    }

    /** An output file of this slide by name, or null: the first output folder that has it. */
    public Path output(String name) {
        for (Path dir : outputs) {
            Path f = dir.resolve(name);
            if (java.nio.file.Files.isRegularFile(f)) return f;
        }
        return null;
    }

    /** Files of the output folders whose names end with one of the endings (case-insensitive). */
    public List<Path> outputsEndingWith(String... endings) {
        List<Path> found = new ArrayList<>();
        for (Path dir : outputs) {
            for (Path f : Catalog.files(dir)) {
                String n = f.getFileName().toString().toLowerCase(Locale.ROOT);
                for (String e : endings) {
                    if (n.endsWith(e)) {
                        found.add(f);
                        break;
                    }
                }
            }
        }
        return found;
    }
}
