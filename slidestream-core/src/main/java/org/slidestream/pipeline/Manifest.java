package org.slidestream.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.slidestream.format.csv.Csv;

/**
 * A cohort manifest: a table whose first row names the columns. Column {@code slide} (also
 * accepted: {@code slide_path}, {@code path}) gives each slide's file, relative paths resolved
 * against the manifest's folder; an optional {@code id} column names its outputs; every other
 * column is a per-slide option override (empty cells mean "use the command's value").
 * {@code .csv} (RFC 4180) or {@code .xlsx} (first sheet).
 */
final class Manifest {
    private static final List<String> SLIDE_COLUMNS = List.of("slide", "slide_path", "path");

    private Manifest() {}

    static List<CohortSlide> read(Path manifest) throws IOException {
        List<List<String>> rows = manifest.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xlsx")
                ? readXlsx(manifest) : readCsv(manifest);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(manifest + ": manifest is empty (expected a header row with a 'slide' column)");
        }
        List<String> header = rows.get(0).stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        int slideCol = -1;
        for (String name : SLIDE_COLUMNS) {
            if (slideCol < 0) slideCol = header.indexOf(name);
        }
        if (slideCol < 0) {
            throw new IllegalArgumentException(manifest + ": no 'slide' column in the header " + rows.get(0));
        }
        int idCol = header.indexOf("id");
        Path base = manifest.toAbsolutePath().getParent();
        List<CohortSlide> slides = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            String file = cell(row, slideCol);
            if (file.isEmpty()) {
                if (row.stream().allMatch(String::isBlank)) continue;
                throw new IllegalArgumentException(manifest + ": row " + (r + 1) + " has no slide");
            }
            Path p = base.resolve(file).normalize();
            String id = idCol >= 0 && !cell(row, idCol).isEmpty() ? cell(row, idCol) : CohortInputs.slideId(p);
            Map<String, String> options = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                if (c == slideCol || c == idCol || header.get(c).isEmpty()) continue;
                String v = cell(row, c);
                if (!v.isEmpty()) options.put(optionName(header.get(c)), v);
            }
            slides.add(new CohortSlide(id, p, options));
        }
        return slides;
    }

    /** Column names may use underscores ({@code min_tissue}) for options spelled with dashes. */
    private static String optionName(String column) {
        String n = column.startsWith("--") ? column.substring(2) : column;
        return n.replace('_', '-');
    }

    private static String cell(List<String> row, int c) {
        return c < row.size() && row.get(c) != null ? row.get(c).strip() : "";
    }

    private static List<List<String>> readCsv(Path p) throws IOException {
        try (Reader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
            return Csv.read(r);
        }
    }

    private static List<List<String>> readXlsx(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p); Workbook wb = WorkbookFactory.create(in)) {
            if (wb.getNumberOfSheets() == 0) return List.of();
            Sheet sheet = wb.getSheetAt(0);
            DataFormatter fmt = new DataFormatter(Locale.ROOT);
            List<List<String>> rows = new ArrayList<>();
            for (Row row : sheet) {
                List<String> cells = new ArrayList<>();
                for (int c = 0; c < row.getLastCellNum(); c++) {
                    Cell cell = row.getCell(c, Row.MissingCellPolicy.RETURN_BLANK_AS_NULL);
                    cells.add(cell == null ? "" : fmt.formatCellValue(cell));
                }
                while (rows.size() < row.getRowNum()) rows.add(List.of());
                rows.add(cells);
            }
            return rows;
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalArgumentException(p + ": not a readable .xlsx workbook (" + e.getMessage() + ")", e);
        }
    }
}
