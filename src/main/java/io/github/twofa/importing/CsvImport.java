package io.github.twofa.importing;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the CSV form of an import, {@code username,otpauth_uri,label} per line (RFC 4180: fields may be quoted, a
 * quote in a quoted field doubled), as spreadsheet tools and Entra's token export write it. A first line naming the
 * columns is skipped; blank lines are ignored; the label may be left out.
 */
public final class CsvImport {

    private CsvImport() {}

    /** A line that is not three fields (or two); the reason says how, and never repeats the line's content. */
    public static final class Malformed extends Exception {

        private final int line;

        Malformed(int line, String reason) {
            super(reason, null, false, false);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    /** The lines in order; a line that cannot be read is returned as a {@link Malformed} in {@code refused}. */
    public static List<ImportLine> read(String csv, List<Malformed> refused) {
        List<ImportLine> lines = new ArrayList<>();
        String[] rows = csv.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1);
        for (int i = 0; i < rows.length; i++) {
            int number = i + 1;
            String row = i == 0 && rows[0].startsWith("\uFEFF") ? rows[0].substring(1) : rows[i];
            if (row.isBlank()) {
                continue;
            }
            List<String> fields;
            try {
                fields = fields(row);
            } catch (IllegalArgumentException unreadable) {
                refused.add(new Malformed(number, unreadable.getMessage()));
                continue;
            }
            if (number == 1 && isHeader(fields)) {
                continue;
            }
            if (fields.size() < 2 || fields.size() > 3) {
                refused.add(new Malformed(
                        number, "expected username,otpauth_uri,label but found " + fields.size() + " fields"));
                continue;
            }
            lines.add(new ImportLine(
                    number, fields.get(0).strip(), fields.get(1).strip(), fields.size() == 3 ? fields.get(2) : null));
        }
        return lines;
    }

    private static boolean isHeader(List<String> fields) {
        return !fields.isEmpty() && fields.get(0).strip().equalsIgnoreCase("username");
    }

    private static List<String> fields(String row) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < row.length(); i++) {
            char c = row.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < row.length() && row.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.toString().isBlank() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
                field.setLength(0);
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (wasQuoted && c != ' ') {
                throw new IllegalArgumentException("text after a closing quote");
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("a quoted field is not closed");
        }
        fields.add(field.toString());
        return fields;
    }
}
