package org.slidestream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CohortInputsTest {
    @TempDir Path dir;

    @Test
    void foldersAreSearchedForSlidesInSortedOrder() throws Exception {
        Files.createDirectories(dir.resolve("b"));
        Files.createDirectories(dir.resolve(".hidden"));
        Files.writeString(dir.resolve("b/z.svs"), "");
        Files.writeString(dir.resolve("a.ome.tif"), "");
        Files.writeString(dir.resolve("notes.txt"), "");
        Files.writeString(dir.resolve(".hidden/x.svs"), "");
        List<CohortSlide> s = CohortInputs.resolve(List.of(dir));
        assertThat(s).extracting(CohortSlide::id).containsExactly("a", "z");
    }

    @Test
    void symbolicLinksToFoldersAreFollowedAndLoopsSkipped() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data/sub"));
        Files.writeString(data.resolve("s1.svs"), "");
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("s2.tif"), "");
        Files.createSymbolicLink(data.resolve("linked"), other);        // a linked subfolder
        Files.createSymbolicLink(data.resolve("loop"), dir.resolve("data")); // a link back up the tree
        Path link = Files.createSymbolicLink(dir.resolve("slides"), dir.resolve("data"));
        assertThat(CohortInputs.resolve(List.of(link))).extracting(CohortSlide::id).containsExactly("s2", "s1");
    }

    @Test
    void csvManifestGivesPathsAndPerSlideOverrides() throws Exception {
        Files.writeString(dir.resolve("m.csv"), """
                slide,mpp,min_tissue
                slides/one.svs,0.5,
                "slides/two, with comma.svs",,0.25
                """);
        List<CohortSlide> s = CohortInputs.resolve(List.of(dir.resolve("m.csv")));
        assertThat(s).hasSize(2);
        assertThat(s.get(0).path()).isEqualTo(dir.resolve("slides/one.svs").toAbsolutePath().normalize());
        assertThat(s.get(0).options()).isEqualTo(Map.of("mpp", "0.5"));
        assertThat(s.get(1).id()).isEqualTo("two, with comma");
        assertThat(s.get(1).options()).isEqualTo(Map.of("min-tissue", "0.25"));
    }

    @Test
    void xlsxManifestIsReadToo() throws Exception {
        Path m = dir.resolve("cohort.xlsx");
        try (XSSFWorkbook wb = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(m)) {
            var sheet = wb.createSheet("slides");
            var h = sheet.createRow(0);
            h.createCell(0).setCellValue("Slide");
            h.createCell(1).setCellValue("level");
            var r = sheet.createRow(1);
            r.createCell(0).setCellValue("/data/x.svs");
            r.createCell(1).setCellValue(1);
            wb.write(out);
        }
        List<CohortSlide> s = CohortInputs.resolve(List.of(m));
        assertThat(s).singleElement().satisfies(c -> {
            assertThat(c.path()).isEqualTo(Path.of("/data/x.svs"));
            assertThat(c.options()).isEqualTo(Map.of("level", "1"));
        });
    }

    @Test
    void manifestWithoutSlideColumnIsAClearError() throws Exception {
        Files.writeString(dir.resolve("m.csv"), "file,mpp\na.svs,1\n");
        assertThatThrownBy(() -> CohortInputs.resolve(List.of(dir.resolve("m.csv"))))
                .hasMessageContaining("m.csv").hasMessageContaining("no 'slide' column");
    }

    @Test
    void duplicateOutputNamesAreRefused() {
        assertThatThrownBy(() -> CohortInputs.resolve(List.of(Path.of("/a/s.svs"), Path.of("/b/s.tif"))))
                .hasMessageContaining("share the output name 's'");
    }

    @Test
    void missingFilesAreKeptToFailLater() throws Exception {
        assertThat(CohortInputs.resolve(List.of(dir.resolve("gone.svs")))).extracting(CohortSlide::id).containsExactly("gone");
    }
}
