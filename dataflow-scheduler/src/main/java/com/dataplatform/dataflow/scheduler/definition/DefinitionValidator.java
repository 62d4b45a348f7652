package com.dataplatform.dataflow.scheduler.definition;

import com.dataplatform.common.lake.LakeNames;
import com.dataplatform.common.web.ApiException;
import com.dataplatform.dataflow.scheduler.expression.Expr;
import com.dataplatform.dataflow.scheduler.expression.ExpressionException;
import com.dataplatform.dataflow.scheduler.expression.ExpressionParser;
import com.dataplatform.dataflow.scheduler.expression.SqlExpression;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Checks a definition before anything is stored: names, ids, ops, references, cycles, one writer per dataset,
 * expressions, and column references against the datasets that exist now (a source whose dataset does not exist
 * yet has unknown columns and is checked when the run executes). Each failure names the offending field.
 */
public final class DefinitionValidator {

    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,62}");
    private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    private static final Set<String> FUNCTIONS = Set.of("sum", "count", "min", "max", "avg");

    private DefinitionValidator() {
    }

    /**
     * @param schemaOf columns of an existing dataset of the caller's org, empty if it does not exist
     * @return the nodes in topological order
     */
    public static List<Node> validate(DataflowDefinition d, Function<String, Optional<List<String>>> schemaOf) {
        if (!LakeNames.isDataset(d.name())) {
            throw ApiException.invalid("name", "name must match [a-z][a-z0-9_]{0,62}");
        }
        if (!TYPE.matcher(d.type()).matches()) {
            throw ApiException.invalid("type", "type must match [a-z][a-z0-9_-]{0,62}");
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < d.nodes().size(); i++) {
            Node n = d.nodes().get(i);
            if (!NODE_ID.matcher(n.id()).matches()) {
                throw ApiException.invalid(path(i, "id"), "node id must match [A-Za-z][A-Za-z0-9_-]{0,62}");
            }
            if (index.put(n.id(), i) != null) {
                throw ApiException.invalid(path(i, "id"), "duplicate node id '" + n.id() + "'");
            }
        }
        Map<String, Integer> writers = new HashMap<>();
        boolean anyRegister = false;
        for (int i = 0; i < d.nodes().size(); i++) {
            Node n = d.nodes().get(i);
            List<String> inputs = n.inputs();
            for (int k = 0; k < inputs.size(); k++) {
                if (!index.containsKey(inputs.get(k))) {
                    throw ApiException.invalid(path(i, inputField(n, k)), "input '" + inputs.get(k)
                            + "' is not a node of this dataflow");
                }
                if (d.nodes().get(index.get(inputs.get(k))) instanceof Node.Register) {
                    throw ApiException.invalid(path(i, inputField(n, k)), "a register node produces no rows to read");
                }
            }
            if (n instanceof Node.Source s && !LakeNames.isDataset(s.dataset())) {
                throw ApiException.invalid(path(i, "dataset"), "dataset must match [a-z][a-z0-9_]{0,62}");
            }
            if (n instanceof Node.Register r) {
                anyRegister = true;
                if (!LakeNames.isDataset(r.dataset())) {
                    throw ApiException.invalid(path(i, "dataset"), "dataset must match [a-z][a-z0-9_]{0,62}");
                }
                if (writers.put(r.dataset(), i) != null) {
                    throw ApiException.invalid(path(i, "dataset"), "dataset '" + r.dataset()
                            + "' is already written by node " + d.nodes().get(writers.get(r.dataset())).id()
                            + "; a version may have one writer per dataset");
                }
            }
        }
        if (!anyRegister) {
            throw ApiException.invalid("nodes", "a dataflow needs at least one register node");
        }
        List<Node> order = topologicalOrder(d, index);
        Map<String, List<String>> columns = new HashMap<>();
        for (Node n : order) {
            int i = index.get(n.id());
            columns.put(n.id(), outputColumns(n, i, columns, schemaOf));
        }
        return order;
    }

    private static List<Node> topologicalOrder(DataflowDefinition d, Map<String, Integer> index) {
        List<Node> order = new ArrayList<>();
        int[] state = new int[d.nodes().size()];
        for (int i = 0; i < d.nodes().size(); i++) {
            visit(d, index, i, state, order, new LinkedHashSet<>());
        }
        return order;
    }

    private static void visit(DataflowDefinition d, Map<String, Integer> index, int i, int[] state, List<Node> order,
            LinkedHashSet<String> stack) {
        if (state[i] == 2) {
            return;
        }
        Node n = d.nodes().get(i);
        if (state[i] == 1) {
            throw ApiException.invalid(path(i, inputField(n, 0)), "cycle: " + String.join(" -> ", stack) + " -> " + n.id());
        }
        state[i] = 1;
        stack.add(n.id());
        for (String in : n.inputs()) {
            visit(d, index, index.get(in), state, order, stack);
        }
        stack.remove(n.id());
        state[i] = 2;
        order.add(n);
    }

    /** Output columns of a node, or null when unknown (a source dataset that does not exist yet). */
    private static List<String> outputColumns(Node n, int i, Map<String, List<String>> cols,
            Function<String, Optional<List<String>>> schemaOf) {
        if (n instanceof Node.Source s) {
            return schemaOf.apply(s.dataset()).orElse(null);
        } else if (n instanceof Node.Filter f) {
            expression(f.expr(), cols.get(f.input()), path(i, "expr"));
            return cols.get(f.input());
        } else if (n instanceof Node.Compute c) {
            {
                List<String> in = cols.get(c.input());
                if (!LakeNames.isDataset(c.column())) {
                    throw ApiException.invalid(path(i, "column"), "column must match [a-z][a-z0-9_]{0,62}");
                }
                if (in != null && in.contains(c.column())) {
                    throw ApiException.invalid(path(i, "column"), "column '" + c.column() + "' already exists");
                }
                expression(c.expr(), in, path(i, "expr"));
                return in == null ? null : append(in, List.of(c.column()));
            }
        } else if (n instanceof Node.Augment a) {
            return augment(a, i, cols.get(a.left()), cols.get(a.right()));
        } else if (n instanceof Node.Aggregate g) {
            return aggregate(g, i, cols.get(g.input()));
        } else if (n instanceof Node.Register r) {
            return cols.get(r.input());
        }
        throw new IllegalStateException("unknown node " + n);
    }

    private static List<String> augment(Node.Augment a, int i, List<String> left, List<String> right) {
        if (a.leftKey().size() != a.rightKey().size()) {
            throw ApiException.invalid(path(i, "rightKey"), "leftKey and rightKey must have the same length");
        }
        requireColumns(a.leftKey(), left, path(i, "leftKey"));
        requireColumns(a.rightKey(), right, path(i, "rightKey"));
        requireColumns(a.columns(), right, path(i, "columns"));
        Set<String> seen = new HashSet<>();
        for (int k = 0; k < a.columns().size(); k++) {
            String c = a.columns().get(k);
            if ((left != null && left.contains(c)) || !seen.add(c)) {
                throw ApiException.invalid(path(i, "columns") + "[" + k + "]", "column '" + c
                        + "' would appear twice in the output");
            }
        }
        return left == null ? null : append(left, a.columns());
    }

    private static List<String> aggregate(Node.Aggregate g, int i, List<String> in) {
        requireColumns(g.groupBy(), in, path(i, "groupBy"));
        List<String> out = new ArrayList<>(g.groupBy());
        for (int k = 0; k < g.metrics().size(); k++) {
            Node.Metric m = g.metrics().get(k);
            String p = path(i, "metrics") + "[" + k + "]";
            if (!FUNCTIONS.contains(m.fn())) {
                throw ApiException.invalid(p + ".fn", "fn must be one of " + FUNCTIONS);
            }
            if (m.column() == null && !m.fn().equals("count")) {
                throw ApiException.invalid(p + ".column", m.fn() + " needs a column");
            }
            if (m.column() != null) {
                requireColumns(List.of(m.column()), in, p + ".column");
            }
            if (!LakeNames.isDataset(m.as()) || out.contains(m.as())) {
                throw ApiException.invalid(p + ".as", "as must be a new column name matching [a-z][a-z0-9_]{0,62}");
            }
            out.add(m.as());
        }
        return in == null ? null : out;
    }

    private static void requireColumns(List<String> names, List<String> available, String path) {
        for (int k = 0; k < names.size(); k++) {
            String c = names.get(k);
            if (!LakeNames.isDataset(c)) {
                throw ApiException.invalid(path + "[" + k + "]", "column must match [a-z][a-z0-9_]{0,62}");
            }
            if (available != null && !available.contains(c)) {
                throw ApiException.invalid(path + "[" + k + "]", "unknown column '" + c + "' (available: " + available + ")");
            }
        }
    }

    private static void expression(String text, List<String> available, String path) {
        try {
            Expr e = ExpressionParser.parse(text);
            SqlExpression.compile(e);
            if (available != null) {
                for (String c : SqlExpression.columns(e)) {
                    if (!available.contains(c)) {
                        throw ApiException.invalid(path, "unknown column '" + c + "' (available: " + available + ")");
                    }
                }
            }
        } catch (ExpressionException e) {
            throw ApiException.invalid(path, e.getMessage());
        }
    }

    private static List<String> append(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    private static String inputField(Node n, int k) {
        return n instanceof Node.Augment ? (k == 0 ? "left" : "right") : "input";
    }

    private static String path(int i, String field) {
        return "nodes[" + i + "]." + field;
    }
}
