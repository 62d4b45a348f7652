package com.dataplatform.ci.deploy.bundle;

import com.dataplatform.ci.deploy.app.AppName;
import com.dataplatform.ci.deploy.bundle.AppDescriptor.Input;
import com.dataplatform.ci.deploy.bundle.AppDescriptor.TestQuery;
import com.dataplatform.common.lake.LakeNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Parses {@code app.yaml} strictly: unknown keys, duplicate keys, wrong types, writes outside the app, inputs that are
 * neither the org's lake nor another app's live tables, and tests that are not one read-only SELECT are refused with
 * the path of the offending field.
 */
public final class DescriptorParser {

    private static final Set<String> KEYS = Set.of("name", "description", "build", "run", "reads", "writes",
            "schedule", "tests", "resources");
    private static final Set<String> TEST_KEYS = Set.of("name", "sql");
    private static final Set<String> RESOURCE_KEYS = Set.of("memoryMb", "timeoutSeconds");
    private static final Pattern EVERY = Pattern.compile("every\\s+([1-9][0-9]{0,5})\\s*(s|m|h)");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}\\s]+)\\s*}}");
    private static final Pattern APP_SCHEMA = Pattern.compile("app_([a-z][a-z0-9_]*)");
    private static final int MAX_TABLES = 20;
    private static final int MAX_TESTS = 50;

    private DescriptorParser() {
    }

    public static AppDescriptor parse(String yamlText, AppName app, String org) {
        Map<String, Object> root = load(yamlText);
        unknownKeys(root, KEYS, "");
        String name = string(root, "name", "", true);
        if (!app.value().equals(name)) {
            throw DescriptorException.refused("name", "name '" + name + "' does not match the app '" + app + "'");
        }
        String build = string(root, "build", "", false);
        String run = string(root, "run", "", true);
        if (run.isBlank()) {
            throw DescriptorException.malformed("run", "must not be blank");
        }
        List<String> writes = writes(list(root, "writes", true), app);
        List<Input> reads = reads(list(root, "reads", false), app, org);
        Duration schedule = schedule(root.get("schedule"));
        List<TestQuery> tests = tests(list(root, "tests", true), app, writes, reads);
        Map<String, Object> resources = map(root.get("resources"), "resources");
        unknownKeys(resources, RESOURCE_KEYS, "resources/");
        int memoryMb = integer(resources, "memoryMb", 256, 32, 16384, "resources/");
        int timeoutSeconds = integer(resources, "timeoutSeconds", 120, 1, 86400, "resources/");
        return new AppDescriptor(name, build == null || build.isBlank() ? null : build, run, reads, writes, schedule,
                tests, memoryMb, Duration.ofSeconds(timeoutSeconds));
    }

    private static Map<String, Object> load(String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(20);
        options.setCodePointLimit(256 * 1024);
        options.setNestingDepthLimit(20);
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(options)).load(text);
        } catch (YAMLException e) {
            throw DescriptorException.malformed("", "not valid YAML: " + firstLine(e.getMessage()));
        }
        if (!(doc instanceof Map<?, ?>)) {
            throw DescriptorException.malformed("", "must be a YAML mapping");
        }
        return map(doc, "");
    }

    private static List<String> writes(List<Object> raw, AppName app) {
        if (raw.isEmpty() || raw.size() > MAX_TABLES) {
            throw DescriptorException.malformed("writes", "declare 1 to " + MAX_TABLES + " tables");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String field = "writes[" + i + "]";
            if (!(raw.get(i) instanceof String t)) {
                throw DescriptorException.malformed(field, "must be a string");
            }
            if (t.contains(".")) {
                throw DescriptorException.refused(field, "'" + t + "' is in another schema; an app writes only bare "
                        + "table names, created in its own version schema");
            }
            if (!LakeNames.isDataset(t)) {
                throw DescriptorException.refused(field, "'" + t + "' is not an identifier [a-z][a-z0-9_]{0,62}");
            }
            if (app.sql().length() + 2 + t.length() > 63) {
                throw DescriptorException.refused(field, "'" + t + "' is too long: its lake dataset name "
                        + app.sql() + "__" + t + " would exceed 63 characters");
            }
            if (out.contains(t)) {
                throw DescriptorException.malformed(field, "'" + t + "' is declared twice");
            }
            out.add(t);
        }
        return out;
    }

    private static List<Input> reads(List<Object> raw, AppName app, String org) {
        if (raw.size() > MAX_TABLES) {
            throw DescriptorException.malformed("reads", "declare at most " + MAX_TABLES + " tables");
        }
        List<Input> out = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            String field = "reads[" + i + "]";
            if (!(raw.get(i) instanceof String r)) {
                throw DescriptorException.malformed(field, "must be a string");
            }
            Input input = input(r, app, org, field);
            if (out.stream().anyMatch(o -> o.schema().equals(input.schema()) && o.table().equals(input.table()))) {
                throw DescriptorException.malformed(field, "'" + r + "' is declared twice");
            }
            out.add(input);
        }
        return out;
    }

    private static Input input(String r, AppName app, String org, String field) {
        int dot = r.indexOf('.');
        if (dot < 0 || dot != r.lastIndexOf('.')) {
            throw DescriptorException.refused(field, "'" + r + "' must be lake.<dataset>, lake_<org>.<dataset> or "
                    + "app_<other app>.<table>");
        }
        String schema = r.substring(0, dot);
        String table = r.substring(dot + 1);
        if (!LakeNames.isDataset(table)) {
            throw DescriptorException.refused(field, "'" + table + "' is not an identifier");
        }
        if (schema.equals("lake") || schema.equals(LakeNames.schemaOf(org))) {
            return new Input(r, LakeNames.schemaOf(org), table, null);
        }
        if (schema.startsWith("lake_")) {
            throw DescriptorException.refused(field, "'" + r + "' belongs to another org's lake");
        }
        Matcher m = APP_SCHEMA.matcher(schema);
        if (m.matches()) {
            String other = m.group(1).replace('_', '-');
            if (!AppName.isValid(other)) {
                throw DescriptorException.refused(field, "'" + schema + "' is not an app's live schema");
            }
            if (other.equals(app.value())) {
                throw DescriptorException.refused(field, "an app does not read its own live tables");
            }
            return new Input(r, schema, table, other);
        }
        throw DescriptorException.refused(field, "'" + r + "' is neither the org's lake nor another app's live tables");
    }

    private static Duration schedule(Object raw) {
        if (raw == null || "once".equals(raw)) {
            return null;
        }
        if (raw instanceof String s) {
            Matcher m = EVERY.matcher(s.trim());
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
        }
        throw DescriptorException.malformed("schedule", "must be 'once' or 'every <n>s|m|h'");
    }

    private static List<TestQuery> tests(List<Object> raw, AppName app, List<String> writes, List<Input> reads) {
        if (raw.isEmpty() || raw.size() > MAX_TESTS) {
            throw DescriptorException.malformed("tests", "declare 1 to " + MAX_TESTS + " tests; they gate promotion");
        }
        List<TestQuery> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String prefix = "tests[" + i + "]/";
            Map<String, Object> t = map(raw.get(i), "tests[" + i + "]");
            unknownKeys(t, TEST_KEYS, prefix);
            String name = string(t, "name", prefix, true);
            if (name.isBlank() || name.length() > 200 || !names.add(name)) {
                throw DescriptorException.malformed(prefix + "name", "must be non-blank, unique, at most 200 chars");
            }
            String declared = string(t, "sql", prefix, true);
            String sql = substitute(declared, app, writes, reads, prefix + "sql");
            String problem = ReadOnlyQuery.problem(sql);
            if (problem != null) {
                throw DescriptorException.refused(prefix + "sql", "not a single read-only SELECT: " + problem);
            }
            out.add(new TestQuery(name, declared, sql));
        }
        return out;
    }

    /** Replaces {@code {{table}}} (a write) and {@code {{lake.x}}} etc. (a read) by quoted, qualified names. */
    static String substitute(String sql, AppName app, List<String> writes, List<Input> reads, String field) {
        Matcher m = PLACEHOLDER.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String ref = m.group(1);
            String replacement;
            if (writes.contains(ref)) {
                replacement = "{{version_schema}}." + LakeNames.quote(ref);
            } else {
                replacement = reads.stream().filter(r -> r.declared().equals(ref)).findFirst()
                        .map(r -> LakeNames.quote(r.schema()) + "." + LakeNames.quote(r.table()))
                        .orElseThrow(() -> DescriptorException.refused(field,
                                "{{" + ref + "}} is neither a declared write nor a declared read"));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static void unknownKeys(Map<String, Object> map, Set<String> allowed, String prefix) {
        for (String key : map.keySet()) {
            if (!allowed.contains(key)) {
                throw DescriptorException.malformed(prefix + key, "unknown key '" + key + "'; allowed: "
                        + allowed.stream().sorted().toList());
            }
        }
    }

    private static String string(Map<String, Object> map, String key, String prefix, boolean required) {
        Object v = map.get(key);
        if (v == null) {
            if (required) {
                throw DescriptorException.malformed(prefix + key, "is required");
            }
            return null;
        }
        if (!(v instanceof String s)) {
            throw DescriptorException.malformed(prefix + key, "must be a string");
        }
        return s;
    }

    private static List<Object> list(Map<String, Object> map, String key, boolean required) {
        Object v = map.get(key);
        if (v == null) {
            if (required) {
                throw DescriptorException.malformed(key, "is required");
            }
            return List.of();
        }
        if (!(v instanceof List<?> l)) {
            throw DescriptorException.malformed(key, "must be a list");
        }
        return new ArrayList<>(l);
    }

    private static Map<String, Object> map(Object v, String field) {
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw DescriptorException.malformed(field, "must be a mapping");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, val) -> {
            if (!(k instanceof String s)) {
                throw DescriptorException.malformed(field, "keys must be strings");
            }
            out.put(s, val);
        });
        return out;
    }

    private static int integer(Map<String, Object> map, String key, int fallback, int min, int max, String prefix) {
        Object v = map.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Integer i) || i < min || i > max) {
            throw DescriptorException.malformed(prefix + key, "must be an integer in [" + min + ", " + max + "]");
        }
        return i;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
