package com.dataplatform.dataflow.scheduler.dataset;

import com.dataplatform.common.lake.LakeNames;
import com.dataplatform.common.web.ApiException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A parsed CSV upload (RFC 4180: quoted fields, doubled quotes, CRLF or LF) with a header row and typed columns. */
public record CsvTable(List<Column> columns, List<List<String>> rows) {

    /** Parses and validates; every problem is a 400 naming the offending field. */
    public static CsvTable parse(String body) {
        if (body == null || body.isBlank()) {
            throw ApiException.invalid("body", "CSV body is empty: a header row is required");
        }
        List<List<String>> records = records(body);
        List<String> header = records.get(0);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i) == null ? "" : header.get(i).trim();
            if (!LakeNames.isDataset(name)) {
                throw ApiException.invalid("header[" + i + "]",
                        "column name '" + abbreviate(name) + "' must match [a-z][a-z0-9_]{0,62} (is the header row missing?)");
            }
            if (!seen.add(name)) {
                throw ApiException.invalid("header[" + i + "]", "duplicate column name " + name);
            }
            header.set(i, name);
        }
        List<List<String>> rows = records.subList(1, records.size());
        for (int r = 0; r < rows.size(); r++) {
            if (rows.get(r).size() != header.size()) {
                throw ApiException.invalid("row[" + (r + 1) + "]", "row " + (r + 1) + " has " + rows.get(r).size()
                        + " fields, the header has " + header.size());
            }
        }
        List<Column> columns = new ArrayList<>();
        for (int c = 0; c < header.size(); c++) {
            final int col = c;
            columns.add(new Column(header.get(c), TypeInference.infer(rows.stream().map(row -> row.get(col)).toList())));
        }
        return new CsvTable(List.copyOf(columns), rows);
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }

    static List<List<String>> records(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        int i = 0;
        int n = text.length();
        if (n > 0 && text.charAt(0) == '\uFEFF') {
            i = 1;
        }
        for (; i < n; i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < n && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(ch);
                }
            } else if (ch == '"' && field.isEmpty() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else if (ch == ',') {
                record.add(value(field, wasQuoted));
                field.setLength(0);
                wasQuoted = false;
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                record.add(value(field, wasQuoted));
                field.setLength(0);
                wasQuoted = false;
                if (!(record.size() == 1 && record.get(0) == null)) {
                    out.add(record);
                }
                record = new ArrayList<>();
            } else {
                field.append(ch);
            }
        }
        if (quoted) {
            throw ApiException.invalid("row[" + Math.max(0, out.size()) + "]", "unterminated quoted field");
        }
        if (!field.isEmpty() || wasQuoted || !record.isEmpty()) {
            record.add(value(field, wasQuoted));
            out.add(record);
        }
        if (out.isEmpty()) {
            throw ApiException.invalid("body", "CSV body has no header row");
        }
        return out;
    }

    /** Empty unquoted fields are NULL; a quoted empty string stays an empty string. */
    private static String value(StringBuilder field, boolean wasQuoted) {
        return field.isEmpty() && !wasQuoted ? null : field.toString();
    }
}
