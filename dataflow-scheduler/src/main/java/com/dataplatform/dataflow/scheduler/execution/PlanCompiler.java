package com.dataplatform.dataflow.scheduler.execution;

import com.dataplatform.common.lake.LakeNames;
import com.dataplatform.dataflow.scheduler.definition.DataflowDefinition;
import com.dataplatform.dataflow.scheduler.definition.Node;
import com.dataplatform.dataflow.scheduler.expression.ExpressionParser;
import com.dataplatform.dataflow.scheduler.expression.SqlExpression;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Compiles a validated definition into one {@code SELECT} per {@code register} node. Identifiers are validated and
 * quoted, every literal is a bound parameter. The plan is plain ANSI-style SQL over named tables (subqueries, left
 * join, group by, casts), so the same plan could be handed to Trino or Spark SQL by swapping the table naming.
 */
public final class PlanCompiler {

    /** The rows a register node writes. */
    public record Statement(String dataset, String sql, List<Object> params) {
    }

    private PlanCompiler() {
    }

    public static List<Statement> compile(String org, DataflowDefinition d) {
        return compile(d, dataset -> LakeNames.qualifiedTable(org, dataset));
    }

    /**
     * @param sourceRelation the quoted, validated relation a {@code source} dataset is read from (e.g. the one its
     *                       lake catalog row names)
     */
    public static List<Statement> compile(DataflowDefinition d, Function<String, String> sourceRelation) {
        Map<String, Node> byId = new HashMap<>();
        d.nodes().forEach(n -> byId.put(n.id(), n));
        List<Statement> out = new ArrayList<>();
        for (Node n : d.nodes()) {
            if (n instanceof Node.Register r) {
                List<Object> params = new ArrayList<>();
                String sql = select(sourceRelation, byId.get(r.input()), byId, params);
                out.add(new Statement(r.dataset(), sql, List.copyOf(params)));
            }
        }
        return out;
    }

    private static String select(Function<String, String> relation, Node n, Map<String, Node> byId,
            List<Object> params) {
        if (n instanceof Node.Source s) {
            return "select * from " + relation.apply(s.dataset());
        }
        if (n instanceof Node.Filter f) {
                String in = select(relation, byId.get(f.input()), byId, params);
                SqlExpression.Fragment e = SqlExpression.compile(ExpressionParser.parse(f.expr()));
                params.addAll(e.params());
                return "select * from (" + in + ") as t where " + e.sql();
            }
        if (n instanceof Node.Compute c) {
                // The expression's parameters come first in the SQL text, then the input's.
                List<Object> inputParams = new ArrayList<>();
                String in = select(relation, byId.get(c.input()), byId, inputParams);
                SqlExpression.Fragment e = SqlExpression.compile(ExpressionParser.parse(c.expr()));
                params.addAll(e.params());
                params.addAll(inputParams);
                return "select t.*, " + e.sql() + " as " + q(c.column()) + " from (" + in + ") as t";
            }
        if (n instanceof Node.Augment a) {
                String left = select(relation, byId.get(a.left()), byId, params);
                String right = select(relation, byId.get(a.right()), byId, params);
                StringBuilder on = new StringBuilder();
                for (int i = 0; i < a.leftKey().size(); i++) {
                    on.append(i == 0 ? "" : " and ").append("l.").append(q(a.leftKey().get(i)))
                            .append(" = r.").append(q(a.rightKey().get(i)));
                }
                String cols = a.columns().stream().map(c -> ", r." + q(c)).collect(Collectors.joining());
                return "select l.*" + cols + " from (" + left + ") as l left join (" + right + ") as r on " + on;
            }
        if (n instanceof Node.Aggregate g) {
                String in = select(relation, byId.get(g.input()), byId, params);
                List<String> items = new ArrayList<>();
                g.groupBy().forEach(c -> items.add(q(c)));
                for (Node.Metric m : g.metrics()) {
                    String arg = m.column() == null ? "*" : q(m.column());
                    String fn = switch (m.fn()) {
                        case "sum", "count", "min", "max", "avg" -> m.fn();
                        default -> throw new IllegalArgumentException("unknown aggregate " + m.fn());
                    };
                    items.add(fn + "(" + arg + ") as " + q(m.as()));
                }
                String groupBy = g.groupBy().isEmpty() ? ""
                        : " group by " + g.groupBy().stream().map(PlanCompiler::q).collect(Collectors.joining(", "));
                return "select " + String.join(", ", items) + " from (" + in + ") as t" + groupBy;
            }
        throw new IllegalStateException("node " + n.id() + " (" + n.op() + ") produces no rows");
    }

    private static String q(String identifier) {
        return LakeNames.quote(LakeNames.requireDataset(identifier));
    }
}
